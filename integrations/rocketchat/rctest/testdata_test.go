package rctest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

const testdata = "../testdata"

// missingKeys lists the object keys of want (recursively; arrays by their
// first element) that got lacks.
func missingKeys(prefix string, want, got any) []string {
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, prefix+k)
				continue
			}
			out = append(out, missingKeys(prefix+k+".", v, gv)...)
		}
	case []any:
		g, _ := got.([]any)
		if len(w) > 0 && len(g) > 0 {
			out = append(out, missingKeys(prefix+"0.", w[0], g[0])...)
		}
	}
	return out
}

func readJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// The fake's webhook bodies carry at least the fields of the composed ones.
func TestOutgoingTestdataMatchesTheFake(t *testing.T) {
	h := newHook(t, nil)
	srv, c := outgoingServer(t, h, func(w *rctest.OutgoingWebhook) { w.RunOnEdits = true })
	id := createRoom(t, c, "channels", "inc-142-db-latency", "alice")
	root := srv.PostAsUser("alice", id, "!inc status mitigated", "")
	srv.PostAsUser("alice", id, "!inc note rolled back deploy 1234", root)
	c.as("alice").mustPost("/api/v1/chat.update", map[string]any{"roomId": id, "msgId": root, "text": "!inc status resolved"})
	srv.WaitDeliveries()
	calls := h.calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls", len(calls))
	}
	for i, name := range []string{"outgoing-sendmessage-trigger.json", "outgoing-sendmessage-thread.json", "outgoing-sendmessage-edited.json"} {
		t.Run(name, func(t *testing.T) {
			body, p := rctest.ReadOutgoing(t, filepath.Join(testdata, name))
			if p.Token == "" || p.ChannelID == "" || p.MessageID == "" || p.TriggerWord != "!inc" {
				t.Errorf("decoded %+v", p)
			}
			var want map[string]any
			_ = json.Unmarshal(body, &want)
			if miss := missingKeys("", want, calls[i]); len(miss) > 0 {
				t.Errorf("the fake's call lacks %v", miss)
			}
			if miss := missingKeys("", calls[i], want); len(miss) > 0 {
				t.Errorf("%s lacks %v, which the fake sends", name, miss)
			}
			resp := rctest.Deliver(t, h.srv.URL, body)
			if resp.StatusCode != 200 {
				t.Errorf("deliver: %d", resp.StatusCode)
			}
		})
	}
}

// The fake's answers carry at least the fields of the composed ones.
func TestAPITestdataMatchesTheFake(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "inc-142-db-latency")
	fromFile := readJSON(t, "api-chat-postmessage.json")
	body := map[string]any{"roomId": id, "text": at(fromFile, "message", "msg"),
		"emoji": at(fromFile, "message", "emoji"), "attachments": at(fromFile, "message", "attachments")}
	got := c.mustPost("/api/v1/chat.postMessage", body)
	if miss := missingKeys("", fromFile, got); len(miss) > 0 {
		t.Errorf("chat.postMessage answer lacks %v", miss)
	}

	status, out := c.upload("/api/v1/rooms.media/"+id, "file", "timeline.md", []byte("x"), nil)
	if miss := missingKeys("", readJSON(t, "api-rooms-media.json"), mustOK(t, status, out)); len(miss) > 0 {
		t.Errorf("rooms.media answer lacks %v", miss)
	}

	exact := []struct {
		file   string
		status int
		call   func() (int, map[string]any)
	}{
		{"api-error-room-not-found.json", 400, func() (int, map[string]any) { return c.get("/api/v1/channels.info?roomId=nope") }},
		{"api-error-duplicate-name.json", 400, func() (int, map[string]any) {
			return c.post("/api/v1/groups.create", map[string]any{"name": "inc-142-db-latency"})
		}},
		{"api-error-401.json", 401, func() (int, map[string]any) {
			resp, out := c.do("GET", "/api/v1/me", nil, map[string]string{"X-Auth-Token": "wrong"})
			return resp.StatusCode, out
		}},
	}
	for _, tt := range exact {
		t.Run(tt.file, func(t *testing.T) {
			status, out := tt.call()
			want := readJSON(t, tt.file)
			wb, _ := json.Marshal(want)
			gb, _ := json.Marshal(out)
			if status != tt.status || string(wb) != string(gb) {
				t.Errorf("%d %s\nwant %d %s", status, gb, tt.status, wb)
			}
		})
	}

	srv.RateLimitNext(1, "", 0)
	status, out = c.get("/api/v1/me")
	if status != 429 || len(missingKeys("", readJSON(t, "api-error-429.json"), out)) > 0 {
		t.Errorf("429: %d %v", status, out)
	}
}
