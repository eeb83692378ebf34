package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// commandAnswer is what POST /api/v1/incidents/{key}/commands answers.
type commandAnswer struct {
	Reply  string `json:"reply"`
	Public bool   `json:"public"`
}

// TestCommandsAPI: every /incident command runs through the API as the
// actor it names, about the incident in the path, with the answers chat
// gives; a mistake is a 4xx naming it and changes nothing.
func TestCommandsAPI(t *testing.T) {
	h := startHarness(t, testConfig(t))
	declare := func(title string) string {
		var inc apiIncident
		if code := h.apiInto("POST", "/incidents", map[string]any{"title": title, "severity": "high"}, &inc); code != http.StatusCreated {
			t.Fatalf("declare: %d", code)
		}
		return inc.Key
	}
	key, other := declare("checkout is down"), declare("search is slow")
	tests := []struct {
		name, key, actor, text string
		code                   int
		says                   string
	}{
		{"help", key, "alice", "help", 200, "/incident ack"},
		{"a status update", key, "alice", "status rolling back the release", 200, "Status update recorded."},
		{"ack as the actor", key, "alice", "ack", 200, "acknowledged by @alice"},
		{"ack again is a conflict", key, "bob", "ack", 409, "already acked by alice"},
		{"the trigger word may be typed", key, "bob", "/incident note db failover started", 200, "Note added"},
		{"an unknown command", key, "bob", "frobnicate", 400, `unknown command "frobnicate"; try /incident help`},
		{"a command missing its argument", key, "bob", "severity", 400, "severity needs an argument: /incident severity <level>"},
		{"a bad severity", key, "bob", "severity apocalyptic", 400, `unknown severity "apocalyptic"`},
		{"the path's incident named in the text too", other, "bob", "ack " + other, 200, other + " acknowledged by @bob"},
		{"another incident named in the text", key, "bob", "resolve " + other, 400, "the command names " + other + " but is sent to " + key},
		{"an incident in the path that does not exist", "INC-98", "bob", "ack", 404, "INC-98 does not exist"},
		{"no text", key, "bob", " ", 400, `"text" is required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, raw := h.do("POST", "/api/v1/incidents/"+tt.key+"/commands", map[string]string{"actor": tt.actor, "text": tt.text}, bearerAPI)
			if code != tt.code {
				t.Fatalf("status %d, want %d: %s", code, tt.code, raw)
			}
			var said string
			if code == http.StatusOK {
				var a commandAnswer
				if err := json.Unmarshal(raw, &a); err != nil {
					t.Fatalf("answer %s: %v", raw, err)
				}
				said = a.Reply
			} else {
				var e errorResponse
				if err := json.Unmarshal(raw, &e); err != nil {
					t.Fatalf("answer %s: %v", raw, err)
				}
				said = e.Error.Message
			}
			if !strings.Contains(said, tt.says) {
				t.Errorf("answer %q, want it to contain %q", said, tt.says)
			}
		})
	}
	inc := h.getIncident(key)
	if inc.Status != "acked" || inc.AckedBy != "alice" || inc.StatusMsg != "rolling back the release" {
		t.Errorf("%s: status %q acked by %q status message %q, want acked by alice, rolling back the release", key, inc.Status, inc.AckedBy, inc.StatusMsg)
	}
	evs := h.timeline(key)
	for kind, want := range map[string]int{"status_update": 1, "note": 1, "status_changed": 1} {
		if n := countEvents(evs, kind); n != want {
			t.Errorf("%s timeline has %d %s events, want %d", key, n, kind, want)
		}
	}
	if got := h.getIncident(other); got.AckedBy != "bob" {
		t.Errorf("%s acked by %q, want bob", other, got.AckedBy)
	}
	// A command without a token is refused like every API call.
	if code, _ := h.do("POST", "/api/v1/incidents/"+key+"/commands", map[string]string{"text": "resolve"}, nil); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", code)
	}
	if got := h.getIncident(key); got.Status != "acked" {
		t.Errorf("after refused commands %s is %s, want still acked", key, got.Status)
	}
	// In chat, naming an incident that does not exist says so, not that
	// the channel belongs to no incident.
	h.login("carol")
	room := "/channels/" + h.channelID(key)
	if banner := h.say(room, "/incident ack INC-99"); !strings.Contains(banner, "INC-99 does not exist") {
		t.Errorf("chat answered %q, want INC-99 does not exist", banner)
	}
}
