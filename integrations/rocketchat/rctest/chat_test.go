package rctest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

var card = map[string]any{
	"color": "#ff8000", "title": "Database latency > 2s", "title_link": "https://ops.example/inc/142",
	"fields": []any{map[string]any{"short": true, "title": "Service", "value": "orders-db"}},
	"actions": []any{
		map[string]any{"type": "button", "text": "Ack", "msg": "!inc ack", "msg_in_chat_window": true, "msg_processing_type": "sendMessage"},
		map[string]any{"type": "button", "text": "Runbook", "url": "https://ops.example/runbook"},
	},
}

func TestPostMessageWithAttachments(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops")
	out := c.mustPost("/api/v1/chat.postMessage", map[string]any{
		"roomId": id, "text": "*INC-142* opened — SEV2", "emoji": ":rotating_light:", "alias": "Warroom",
		"attachments": []any{card},
	})
	if _, ok := out["ts"].(float64); !ok || out["channel"] != id {
		t.Errorf("ts/channel %v", out)
	}
	mid := str(out, "message", "_id")
	if len(mid) != 17 || str(out, "message", "rid") != id || at(out, "message", "groupable") != false ||
		str(out, "message", "u", "username") != "warroom-bot" || str(out, "message", "attachments", 0, "fields", 0, "value") != "orders-db" {
		t.Errorf("message %v", out["message"])
	}
	v := srv.Message(mid)
	var a map[string]any
	if err := json.Unmarshal(v.Attachments[0], &a); err != nil || a["title"] != "Database latency > 2s" || v.Alias != "Warroom" || v.Emoji != ":rotating_light:" {
		t.Errorf("view %+v", v)
	}
	out = c.mustPost("/api/v1/chat.postMessage", map[string]any{"channel": "#ops", "text": "by name"})
	if out["channel"] != "#ops" || str(out, "message", "rid") != id {
		t.Errorf("by channel name: %v", out)
	}
}

func TestPostMessageErrors(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), MaxMessageSize: 20})
	c := botClient(t, srv)
	ch := createRoom(t, c, "channels", "ops")
	gr := createRoom(t, c.as("bob"), "groups", "bobs")
	tests := []struct {
		name     string
		c        *client
		body     map[string]any
		wantType string
		wantText string
	}{
		{"no room", c, map[string]any{"text": "x"}, "invalid-params", ""},
		{"unknown room", c, map[string]any{"roomId": "nope", "text": "x"}, "invalid-channel", "[invalid-channel]"},
		{"text too long", c, map[string]any{"roomId": ch, "text": strings.Repeat("x", 21)}, "", "error-message-size-exceeded"},
		{"attachment text too long", c, map[string]any{"roomId": ch, "attachments": []any{map[string]any{"text": strings.Repeat("x", 21)}}}, "", "error-message-size-exceeded"},
		{"attachments not objects", c, map[string]any{"roomId": ch, "attachments": []any{"x"}}, "invalid-params", ""},
		{"alias without message-impersonate", c.as("alice"), map[string]any{"roomId": ch, "text": "x", "alias": "Boss"}, "error-not-allowed", ""},
		{"group of others", c, map[string]any{"roomId": gr, "text": "x"}, "", "error-not-allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.post("/api/v1/chat.postMessage", tt.body)
			wantError(t, status, out, 400, tt.wantType)
			if tt.wantText != "" && out["error"] != tt.wantText {
				t.Errorf("error %q, want %q", out["error"], tt.wantText)
			}
		})
	}
	// Posting into a public channel joins it.
	c.as("alice").mustPost("/api/v1/chat.postMessage", map[string]any{"roomId": ch, "text": "hi"})
	if m := srv.Room(ch).Members; len(m) != 2 || m[1] != "alice" {
		t.Errorf("members %v", m)
	}
}

func TestSendMessageWithChosenID(t *testing.T) {
	srv := rctest.New(t, rctest.Options{})
	c := botClient(t, srv)
	id := createRoom(t, c, "groups", "inc-11")
	const mid = "WarroomKey0000001"
	out := c.mustPost("/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"_id": mid, "rid": id, "msg": "timeline"}})
	if str(out, "message", "_id") != mid {
		t.Fatalf("answer %v", out)
	}
	status, out := c.post("/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"_id": mid, "rid": id, "msg": "timeline"}})
	wantError(t, status, out, 400, "")
	if !strings.Contains(str(out, "error"), "E11000 duplicate key") {
		t.Errorf("duplicate: %v", out)
	}
	if n := len(srv.Messages(id)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
	status, out = c.get("/api/v1/chat.getMessage?msgId=" + mid)
	if mustOK(t, status, out); str(out, "message", "msg") != "timeline" {
		t.Errorf("getMessage %v", out)
	}
	status, out = c.get("/api/v1/chat.getMessage?msgId=NoSuchMessage0000")
	if status != 400 || len(out) != 1 || out["success"] != false {
		t.Errorf("unknown message: %d %v, want a bare {\"success\":false}", status, out)
	}
	status, out = c.post("/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"rid": "nope", "msg": "x"}})
	wantError(t, status, out, 400, "error-invalid-room")
	status, out = c.post("/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"rid": id, "msg": "x", "tshow": true}})
	wantError(t, status, out, 400, "invalid-params")
}

func TestUpdateMessage(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), Now: ticking()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops", "alice")
	mid := post(t, c, id, "status: investigating", map[string]any{"attachments": []any{card}})

	out := c.mustPost("/api/v1/chat.update", map[string]any{"roomId": id, "msgId": mid, "text": "status: mitigated"})
	if str(out, "message", "msg") != "status: mitigated" || str(out, "message", "editedBy", "username") != "warroom-bot" || str(out, "message", "editedAt") == "" {
		t.Errorf("answer %v", out)
	}
	if v := srv.Message(mid); !v.Edited || v.Text != "status: mitigated" || len(v.Attachments) != 1 {
		t.Errorf("view %+v", v)
	}
	alices := post(t, c.as("alice"), id, "mine", nil)
	if v := srv.Message(alices); v.Edited {
		t.Fatal("edited before any edit")
	}
	c.as("alice").mustPost("/api/v1/chat.update", map[string]any{"roomId": id, "msgId": alices, "text": "mine"})
	if srv.Message(alices).Edited {
		t.Errorf("the same text marked the message edited")
	}

	tests := []struct {
		name     string
		c        *client
		body     map[string]any
		wantType string
	}{
		{"unknown message", c, map[string]any{"roomId": id, "msgId": "nope", "text": "x"}, ""},
		{"wrong room", c, map[string]any{"roomId": "other", "msgId": mid, "text": "x"}, ""},
		{"someone else's message", c.as("alice"), map[string]any{"roomId": id, "msgId": mid, "text": "x"}, "error-action-not-allowed"},
		{"no text", c, map[string]any{"roomId": id, "msgId": mid}, "invalid-params"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.post("/api/v1/chat.update", tt.body)
			wantError(t, status, out, 400, tt.wantType)
		})
	}
}

func TestPinMessage(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans()})
	c := botClient(t, srv)
	id := createRoom(t, c, "groups", "inc-12", "alice")
	mid := post(t, c, id, "root cause: bad deploy", nil)

	out := c.mustPost("/api/v1/chat.pinMessage", map[string]any{"messageId": mid})
	if str(out, "message", "t") != "message_pinned" || str(out, "message", "attachments", 0, "text") != "root cause: bad deploy" {
		t.Errorf("answer %v", out)
	}
	if !srv.Message(mid).Pinned {
		t.Error("not pinned")
	}
	out = c.mustPost("/api/v1/chat.pinMessage", map[string]any{"messageId": mid})
	if str(out, "message", "_id") != mid {
		t.Errorf("pinning again answered %v, want the message itself", out)
	}
	n := 0
	for _, m := range srv.Messages(id) {
		if m.Type == "message_pinned" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d message_pinned system messages, want 1", n)
	}

	tests := []struct {
		name     string
		c        *client
		path     string
		body     map[string]any
		wantType string
	}{
		{"unknown message", c, "chat.pinMessage", map[string]any{"messageId": "nope"}, "error-message-not-found"},
		{"extra key", c, "chat.pinMessage", map[string]any{"messageId": mid, "roomId": id}, "invalid-params"},
		{"no id", c, "chat.pinMessage", map[string]any{}, "invalid-params"},
		{"member without pin-message", c.as("alice"), "chat.pinMessage", map[string]any{"messageId": mid}, "not-authorized"},
		{"unpin outside the room", c.as("bob"), "chat.unPinMessage", map[string]any{"messageId": mid}, "error-invalid-message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.post("/api/v1/"+tt.path, tt.body)
			wantError(t, status, out, 400, tt.wantType)
		})
	}
	c.mustPost("/api/v1/chat.unPinMessage", map[string]any{"messageId": mid})
	if srv.Message(mid).Pinned {
		t.Error("still pinned")
	}
}

func TestReact(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), Now: ticking()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops")
	mid := post(t, c, id, "deploy 1234 rolled back", nil)
	since := srv.Message(mid).Updated.Format("2006-01-02T15:04:05.000Z07:00")

	steps := []struct {
		c    *client
		body map[string]any
		want []string // users with :pushpin: afterwards
	}{
		{c.as("alice"), map[string]any{"emoji": ":pushpin:"}, []string{"alice"}},
		{c.as("bob"), map[string]any{"emoji": "pushpin"}, []string{"alice", "bob"}},
		{c.as("alice"), map[string]any{"emoji": "pushpin"}, []string{"bob"}},                             // toggles off
		{c.as("bob"), map[string]any{"emoji": "pushpin", "shouldReact": true}, []string{"bob"}},          // already there
		{c.as("bob"), map[string]any{"emoji": ":pushpin:", "shouldReact": false}, nil},                   // removed
		{c.as("alice"), map[string]any{"reaction": ":pushpin:", "shouldReact": true}, []string{"alice"}}, // old key
	}
	for i, st := range steps {
		body := map[string]any{"messageId": mid}
		for k, v := range st.body {
			body[k] = v
		}
		st.c.mustPost("/api/v1/chat.react", body)
		if got := srv.Message(mid).Reactions[":pushpin:"]; strings.Join(got, ",") != strings.Join(st.want, ",") {
			t.Errorf("step %d: %v, want %v", i, got, st.want)
		}
	}
	status, out := c.get("/api/v1/chat.getMessage?msgId=" + mid)
	if mustOK(t, status, out); at(out, "message", "reactions", ":pushpin:", "usernames", 0) != "alice" {
		t.Errorf("getMessage reactions %v", at(out, "message", "reactions"))
	}
	status, out = c.get("/api/v1/chat.syncMessages?roomId=" + id + "&lastUpdate=" + since)
	if mustOK(t, status, out); str(out, "result", "updated", 0, "_id") != mid {
		t.Errorf("syncMessages %v", out)
	}

	errs := []struct {
		name     string
		body     map[string]any
		wantType string
	}{
		{"unknown message", map[string]any{"messageId": "nope", "emoji": "x"}, "error-message-not-found"},
		{"no emoji", map[string]any{"messageId": mid}, "error-emoji-param-not-provided"},
		{"bad emoji", map[string]any{"messageId": mid, "emoji": "not an emoji"}, "error-not-allowed"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			status, out := c.post("/api/v1/chat.react", tt.body)
			wantError(t, status, out, 400, tt.wantType)
		})
	}
}

func TestThreads(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), Now: ticking()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops", "alice")
	root := post(t, c, id, "timeline", nil)
	r1 := post(t, c, id, "first", map[string]any{"tmid": root})
	r2 := srv.PostAsUser("alice", id, "second", r1) // a reply to a reply lands in the root's thread

	if v := srv.Message(r2); v.TMID != root {
		t.Errorf("reply to a reply has tmid %q, want the root %q", v.TMID, root)
	}
	if v := srv.Message(root); v.TCount != 2 {
		t.Errorf("tcount %d, want 2", v.TCount)
	}
	status, out := c.get("/api/v1/chat.getThreadMessages?tmid=" + root)
	mustOK(t, status, out)
	if got := texts(t, out); strings.Join(got, ",") != "first,second" || out["total"] != 2.0 {
		t.Errorf("thread %v total %v", got, out["total"])
	}
	status, out = c.get("/api/v1/chat.getMessage?msgId=" + root)
	if mustOK(t, status, out); at(out, "message", "tcount") != 2.0 || len(at(out, "message", "replies").([]any)) != 2 {
		t.Errorf("root %v", out["message"])
	}
	status, out = c.get("/api/v1/chat.getThreadMessages?tmid=nope")
	wantError(t, status, out, 400, "error-invalid-message")
}

func TestDeleteMessage(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), Now: ticking()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops", "alice")
	first := post(t, c, id, "welcome", map[string]any{"attachments": []any{card}})
	root := post(t, c.as("alice"), id, "a thread", nil)
	c.as("alice").mustPost("/api/v1/chat.sendMessage", map[string]any{"message": map[string]any{"rid": id, "msg": "in it", "tmid": root}})
	last := post(t, c, id, "the newest", nil)

	out := c.mustPost("/api/v1/chat.delete", map[string]any{"roomId": id, "msgId": last})
	if out["_id"] != last || str(out, "message", "rid") != id || str(out, "message", "u", "username") != "warroom-bot" {
		t.Errorf("answer %v", out)
	}
	if status, out := c.get("/api/v1/chat.getMessage?msgId=" + last); status != 400 {
		t.Errorf("a deleted message reads %d %v, want 400", status, out)
	}
	if str(c.mustGet("/api/v1/channels.info?roomId="+id), "channel", "lastMessage", "_id") == last {
		t.Error("the room's last message is still the deleted one")
	}
	// The bot owns the room it created: it may delete anyone's message
	// there; alice, a plain user, only her own; a thread's root stays,
	// emptied, as a system message.
	c.mustPost("/api/v1/chat.delete", map[string]any{"roomId": id, "msgId": root})
	if v := srv.Message(root); v.Type != "rm" || v.Text != "" {
		t.Errorf("a deleted thread root %+v, want an emptied rm message", v)
	}
	tests := []struct {
		name     string
		c        *client
		body     map[string]any
		wantType string
	}{
		{"unknown message", c, map[string]any{"roomId": id, "msgId": "nope"}, ""},
		{"deleted already", c, map[string]any{"roomId": id, "msgId": last}, ""},
		{"wrong room", c, map[string]any{"roomId": "other", "msgId": first}, ""},
		{"someone else's message", c.as("alice"), map[string]any{"roomId": id, "msgId": first}, "error-action-not-allowed"},
		{"someone else's as them", c.as("alice"), map[string]any{"roomId": id, "msgId": first, "asUser": true}, ""},
		{"no msgId", c, map[string]any{"roomId": id}, "invalid-params"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.c.post("/api/v1/chat.delete", tt.body)
			wantError(t, status, out, 400, tt.wantType)
		})
	}
	if len(srv.Message(first).Attachments) != 1 {
		t.Error("a refused delete removed the message")
	}
	mine := post(t, c.as("alice"), id, "oops", nil)
	c.as("alice").mustPost("/api/v1/chat.delete", map[string]any{"roomId": id, "msgId": mine})
	for _, m := range srv.Messages(id) {
		if m.ID == mine || m.ID == last {
			t.Errorf("deleted message %s still in the room", m.ID)
		}
	}
}
