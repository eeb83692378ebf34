package rctest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// hook stands in for warroom's webhook endpoint.
type hook struct {
	mu     sync.Mutex
	bodies []map[string]any
	heads  []http.Header
	answer func(p map[string]any) (status int, contentType, body string)
	srv    *httptest.Server
}

func newHook(t *testing.T, answer func(p map[string]any) (int, string, string)) *hook {
	h := &hook{answer: answer}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var p map[string]any
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Errorf("webhook body %s: %v", raw, err)
		}
		h.mu.Lock()
		h.bodies = append(h.bodies, p)
		h.heads = append(h.heads, r.Header.Clone())
		h.mu.Unlock()
		status, ct, body := 200, "application/json", "{}"
		if h.answer != nil {
			status, ct, body = h.answer(p)
		}
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) calls() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.bodies)
}

func replyWith(text string) func(map[string]any) (int, string, string) {
	return func(map[string]any) (int, string, string) {
		b, _ := json.Marshal(map[string]any{"text": text})
		return 200, "application/json", string(b)
	}
}

// outgoingServer is a fake with alice and bob and an integration on "!inc"
// pointed at h.
func outgoingServer(t *testing.T, h *hook, edit func(*rctest.OutgoingWebhook)) (*rctest.Server, *client) {
	srv := rctest.New(t, rctest.Options{Users: humans(), Now: ticking()})
	w := rctest.OutgoingWebhook{URL: h.srv.URL, Token: "tok", TriggerWords: []string{"!inc"}}
	if edit != nil {
		edit(&w)
	}
	srv.SetOutgoing(w)
	return srv, botClient(t, srv)
}

func TestOutgoingDeliveryAndReply(t *testing.T) {
	h := newHook(t, func(p map[string]any) (int, string, string) {
		return 200, "application/json", `{"text":"INC-142 is now *mitigated*","attachments":[{"title":"INC-142","color":"#ffa500"}]}`
	})
	srv, c := outgoingServer(t, h, nil)
	id := createRoom(t, c, "channels", "inc-142", "alice")

	mid := srv.PostAsUser("alice", id, "!inc status mitigated", "")
	calls := h.calls()
	if len(calls) != 1 {
		t.Fatalf("%d webhook calls, want 1", len(calls))
	}
	p := calls[0]
	alice := srv.User("alice")
	want := map[string]any{
		"token": "tok", "bot": false, "trigger_word": "!inc", "channel_id": id, "channel_name": "inc-142",
		"message_id": mid, "user_id": alice.ID, "user_name": "alice", "text": "!inc status mitigated", "siteUrl": srv.URL(),
		"timestamp": srv.Message(mid).Created.Format("2006-01-02T15:04:05.000Z"),
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s = %v, want %v", k, p[k], v)
		}
	}
	for _, k := range []string{"tmid", "isEdited", "alias"} {
		if _, has := p[k]; has {
			t.Errorf("%s present in %v", k, p)
		}
	}
	if hd := h.heads[0]; hd.Get("Content-Type") != "application/json" || !strings.HasPrefix(hd.Get("User-Agent"), "Mozilla/5.0") {
		t.Errorf("headers %v", hd)
	}

	d := srv.Deliveries()
	if len(d) != 1 || d[0].Status != 200 || d[0].ReplyID == "" || d[0].Err != nil {
		t.Fatalf("deliveries %+v", d)
	}
	reply := srv.Message(d[0].ReplyID)
	if reply.Author != "warroom-bot" || !reply.Bot || reply.Text != "INC-142 is now *mitigated*" || len(reply.Attachments) != 1 || reply.RoomID != id {
		t.Errorf("reply %+v", reply)
	}
	out := c.mustGet("/api/v1/chat.getMessage?msgId=" + reply.ID)
	if str(out, "message", "bot", "i") != srv.IntegrationID() || at(out, "message", "groupable") != false {
		t.Errorf("reply JSON %v", out["message"])
	}

	srv.PostAsUser("alice", id, "just chatting", "")
	srv.PostAsUser("bob", id, "!incident has no word boundary", "")
	thread := srv.PostAsUser("alice", id, "!inc note rolled back", mid)
	calls = h.calls()
	if len(calls) != 3 || calls[1]["user_name"] != "bob" || calls[2]["tmid"] != mid || calls[2]["message_id"] != thread {
		t.Errorf("calls %v", calls)
	}
}

func TestOutgoingChannels(t *testing.T) {
	tests := []struct {
		name     string
		channels []string
		prefix   string
		want     int
	}{
		{"default: public channels", nil, "channels", 1},
		{"default leaves out private groups", nil, "groups", 0},
		{"all_private_groups", []string{"all_private_groups"}, "groups", 1},
		{"by name", []string{"#inc-1"}, "groups", 1},
		{"another room", []string{"#inc-2"}, "channels", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHook(t, nil)
			srv, c := outgoingServer(t, h, func(w *rctest.OutgoingWebhook) { w.Channels = tt.channels })
			id := createRoom(t, c, tt.prefix, "inc-1", "alice")
			srv.PostAsUser("alice", id, "!inc ack", "")
			if n := len(h.calls()); n != tt.want {
				t.Errorf("%d calls, want %d", n, tt.want)
			}
		})
	}
}

func TestOutgoingAnswers(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		retry       bool
		wantCalls   int
		wantReply   bool
		wantWaits   []time.Duration
		wantEnabled bool
	}{
		{"JSON reply", 200, "application/json", `{"text":"ok"}`, false, 1, true, nil, true},
		{"202 with charset", 202, "application/json; charset=utf-8", `{"text":"ok"}`, false, 1, true, nil, true},
		{"JSON as text/plain is ignored", 200, "text/plain", `{"text":"ok"}`, true, 1, false, nil, true},
		{"empty reply text", 200, "application/json", `{"text":""}`, true, 1, false, nil, true},
		{"empty body is retried", 200, "application/json", ``, true, 3, false, []time.Duration{100 * time.Millisecond, time.Second}, true},
		{"503 is retried", 503, "text/plain", `busy`, true, 3, false, []time.Duration{100 * time.Millisecond, time.Second}, true},
		{"503 without retry setting", 503, "text/plain", `busy`, false, 1, false, nil, true},
		{"500 with a body is not retried", 500, "text/plain", `boom`, true, 1, false, nil, true},
		{"410 disables the integration", 410, "text/plain", `gone`, true, 1, false, nil, false},
		{"410 without a body is just retried", 410, "", ``, true, 3, false, []time.Duration{100 * time.Millisecond, time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHook(t, func(map[string]any) (int, string, string) { return tt.status, tt.contentType, tt.body })
			var waits []time.Duration
			srv := rctest.New(t, rctest.Options{Users: humans(), Sleep: func(d time.Duration) { waits = append(waits, d) }})
			srv.SetOutgoing(rctest.OutgoingWebhook{URL: h.srv.URL, TriggerWords: []string{"!inc"},
				RetryFailedCalls: tt.retry, RetryCount: 2})
			id := createRoom(t, botClient(t, srv), "channels", "ops")
			srv.PostAsUser("alice", id, "!inc ack", "")

			d := srv.Deliveries()
			if len(h.calls()) != tt.wantCalls || len(d) != tt.wantCalls {
				t.Fatalf("%d calls, %d deliveries, want %d", len(h.calls()), len(d), tt.wantCalls)
			}
			if got := d[len(d)-1].ReplyID != ""; got != tt.wantReply {
				t.Errorf("reply posted = %v, want %v", got, tt.wantReply)
			}
			if !slices.Equal(waits, tt.wantWaits) || d[len(d)-1].Attempt != tt.wantCalls-1 {
				t.Errorf("waits %v attempt %d, want %v", waits, d[len(d)-1].Attempt, tt.wantWaits)
			}
			if srv.OutgoingEnabled() != tt.wantEnabled {
				t.Errorf("enabled = %v", srv.OutgoingEnabled())
			}
			srv.PostAsUser("alice", id, "!inc again", "")
			if tt.wantEnabled == (len(h.calls()) == tt.wantCalls) {
				t.Errorf("after the first call: %d calls", len(h.calls()))
			}
		})
	}
}

func TestOutgoingTransportErrorIsNotRetried(t *testing.T) {
	h := newHook(t, nil)
	h.srv.Close()
	srv := rctest.New(t, rctest.Options{Users: humans(), Sleep: func(time.Duration) { t.Error("slept") }})
	srv.SetOutgoing(rctest.OutgoingWebhook{URL: h.srv.URL, RetryFailedCalls: true, RetryCount: 3})
	id := createRoom(t, botClient(t, srv), "channels", "ops")
	srv.PostAsUser("alice", id, "anything", "")
	if d := srv.Deliveries(); len(d) != 1 || d[0].Err == nil || d[0].Status != 0 {
		t.Errorf("deliveries %+v", d)
	}
}

func TestOutgoingReplyToAnotherChannel(t *testing.T) {
	h := newHook(t, func(map[string]any) (int, string, string) {
		return 200, "application/json", `{"text":"moved","channel":"#war-room","alias":"Warroom"}`
	})
	srv, c := outgoingServer(t, h, nil)
	ops := createRoom(t, c, "channels", "ops")
	war := createRoom(t, c, "channels", "war-room")
	srv.PostAsUser("alice", ops, "!inc open", "")
	r := srv.Message(srv.Deliveries()[0].ReplyID)
	if r.RoomID != war || r.Alias != "Warroom" {
		t.Errorf("reply %+v", r)
	}
}

func TestOutgoingFromAPIPost(t *testing.T) {
	h := newHook(t, replyWith("seen"))
	srv, c := outgoingServer(t, h, nil)
	id := createRoom(t, c, "channels", "ops")
	post(t, c, id, "!inc from the bot account", nil)
	srv.WaitDeliveries()
	calls := h.calls()
	// A REST post by the bot account is not "bot": code must compare user_id.
	if len(calls) != 1 || calls[0]["bot"] != false || calls[0]["user_id"] != srv.Bot().ID {
		t.Fatalf("calls %v", calls)
	}
	if d := srv.Deliveries(); len(d) != 1 || d[0].ReplyID == "" {
		t.Errorf("deliveries %+v", d)
	}
}

func TestOutgoingReplyLoopStops(t *testing.T) {
	h := newHook(t, func(p map[string]any) (int, string, string) {
		return 200, "application/json", `{"text":"!inc echo"}`
	})
	srv, c := outgoingServer(t, h, nil)
	id := createRoom(t, c, "channels", "ops")
	srv.PostAsUser("alice", id, "!inc start", "")
	calls := h.calls()
	if len(calls) != 11 || calls[1]["bot"] != true {
		t.Errorf("%d calls (second: %v), want 11 with bot true after the first", len(calls), calls[1])
	}
	d := srv.Deliveries()
	if last := d[len(d)-1]; last.Err == nil || !strings.Contains(last.Err.Error(), "loop") {
		t.Errorf("last delivery %+v", last)
	}
}

func TestOutgoingEdits(t *testing.T) {
	for _, runOnEdits := range []bool{false, true} {
		h := newHook(t, nil)
		srv, c := outgoingServer(t, h, func(w *rctest.OutgoingWebhook) { w.RunOnEdits = runOnEdits })
		id := createRoom(t, c, "channels", "ops", "alice")
		mid := srv.PostAsUser("alice", id, "!inc status investigating", "")
		c.as("alice").mustPost("/api/v1/chat.update", map[string]any{"roomId": id, "msgId": mid, "text": "!inc status resolved"})
		srv.WaitDeliveries()
		calls := h.calls()
		want := 1
		if runOnEdits {
			want = 2
		}
		if len(calls) != want {
			t.Fatalf("runOnEdits %v: %d calls, want %d", runOnEdits, len(calls), want)
		}
		if runOnEdits && (calls[1]["isEdited"] != true || calls[1]["message_id"] != mid || calls[1]["text"] != "!inc status resolved") {
			t.Errorf("edit call %v", calls[1])
		}
	}
}

func TestClickAction(t *testing.T) {
	h := newHook(t, replyWith("acknowledged"))
	srv, c := outgoingServer(t, h, nil)
	id := createRoom(t, c, "channels", "ops", "alice")
	card := post(t, c, id, "INC-142", map[string]any{"attachments": []any{card}})
	srv.WaitDeliveries()

	sent := srv.ClickActionAsUser("alice", card, 0)
	if v := srv.Message(sent); v.Author != "alice" || v.Text != "!inc ack" {
		t.Errorf("click sent %+v", v)
	}
	if calls := h.calls(); len(calls) != 1 || calls[0]["text"] != "!inc ack" || calls[0]["user_name"] != "alice" {
		t.Errorf("calls %v", calls)
	}
	if got := srv.ClickActionAsUser("alice", card, 1); got != "" {
		t.Errorf("a url button sent message %s", got)
	}
}

func TestReactionsReachNoWebhook(t *testing.T) {
	h := newHook(t, nil)
	srv, c := outgoingServer(t, h, func(w *rctest.OutgoingWebhook) { w.TriggerWords = nil })
	id := createRoom(t, c, "channels", "ops", "alice")
	mid := post(t, c, id, "deploy rolled back", nil)
	srv.WaitDeliveries()
	before := len(h.calls())
	srv.ReactAsUser("alice", mid, ":pushpin:")
	srv.WaitDeliveries()
	if len(h.calls()) != before {
		t.Errorf("a reaction was delivered")
	}
	if got := srv.Message(mid).Reactions[":pushpin:"]; !slices.Equal(got, []string{"alice"}) {
		t.Errorf("reactions %v", got)
	}
}
