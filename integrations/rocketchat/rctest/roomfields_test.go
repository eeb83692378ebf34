package rctest_test

import (
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

func TestSetRoomFieldsSameValue(t *testing.T) {
	tests := []struct {
		name     string
		prefix   string
		method   string
		key      string
		sameCode int    // answer to setting the current value again
		sameText string // its error text
	}{
		{"channel topic", "channels", "setTopic", "topic", 400, "The channel topic is the same as what it would be changed to."},
		{"channel description", "channels", "setDescription", "description", 400, "The channel description is the same as what it would be changed to."},
		{"channel purpose", "channels", "setPurpose", "purpose", 400, "The channel purpose (description) is the same as what it would be changed to."},
		// Rocket.Chat's setAnnouncement has no same-value check, nor do the groups.* setters.
		{"channel announcement", "channels", "setAnnouncement", "announcement", 200, ""},
		{"group topic", "groups", "setTopic", "topic", 200, ""},
		{"group announcement", "groups", "setAnnouncement", "announcement", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := rctest.New(t, rctest.Options{})
			c := botClient(t, srv)
			id := createRoom(t, c, tt.prefix, "inc-7")
			path := "/api/v1/" + tt.prefix + "." + tt.method

			out := c.mustPost(path, map[string]any{"roomId": id, tt.key: "SEV2 | orders-db"})
			if out[tt.key] != "SEV2 | orders-db" {
				t.Errorf("answer %v", out)
			}
			status, out := c.post(path, map[string]any{"roomId": id, tt.key: "SEV2 | orders-db"})
			if tt.sameCode == 400 {
				wantError(t, status, out, 400, "")
				if out["error"] != tt.sameText {
					t.Errorf("error %q, want %q", out["error"], tt.sameText)
				}
			} else {
				mustOK(t, status, out)
			}
			status, out = c.post(path, map[string]any{"roomId": id})
			wantError(t, status, out, 400, "")
			if want := `The bodyParam "` + tt.key + `" is required`; out["error"] != want {
				t.Errorf("missing key: %q, want %q", out["error"], want)
			}

			v := srv.Room(id)
			got := map[string]string{"topic": v.Topic, "announcement": v.Announcement, "description": v.Description, "purpose": v.Description}[tt.key]
			if got != "SEV2 | orders-db" {
				t.Errorf("room %+v", v)
			}
			changes := 0
			for _, m := range srv.Messages(id) {
				if m.Type != "" && m.Type != "au" {
					changes++
				}
			}
			if changes != 1 {
				t.Errorf("%d room_changed system messages, want 1 (a same value changes nothing)", changes)
			}
		})
	}
}

func TestSetTopicErrors(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "inc-8", "alice")
	status, out := c.as("alice").post("/api/v1/channels.setTopic", map[string]any{"roomId": id, "topic": "mine"})
	wantError(t, status, out, 400, "error-action-not-allowed")

	status, out = c.post("/api/v1/channels.setTopic", map[string]any{"roomId": id, "topic": 42})
	wantError(t, status, out, 400, "invalid-params")

	// Clearing a topic that was never set is not "the same value".
	c.mustPost("/api/v1/channels.setTopic", map[string]any{"roomId": id, "topic": ""})
	if _, has := c.mustPost("/api/v1/channels.setTopic", map[string]any{"roomId": id, "topic": "x"})["topic"]; !has {
		t.Errorf("no topic in the answer")
	}
}
