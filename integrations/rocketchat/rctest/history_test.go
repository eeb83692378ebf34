package rctest_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// ticking is a clock that moves one second per reading.
func ticking() func() time.Time {
	var mu sync.Mutex
	now := time.Date(2024, 6, 11, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

func texts(t *testing.T, out map[string]any) []string {
	t.Helper()
	var got []string
	msgs, ok := at(out, "messages").([]any)
	if !ok {
		t.Fatalf("no messages in %v", out)
	}
	for _, m := range msgs {
		got = append(got, str(m, "msg"))
	}
	return got
}

func TestHistoryPaging(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Now: ticking()})
	c := botClient(t, srv)
	id := createRoom(t, c, "groups", "inc-9")
	var ids []string
	for i := 1; i <= 7; i++ {
		ids = append(ids, post(t, c, id, fmt.Sprint("m", i), nil))
	}
	post(t, c, id, "reply", map[string]any{"tmid": ids[0]})
	latest := srv.Message(ids[4]).Created.Format(time.RFC3339Nano)
	oldest := srv.Message(ids[1]).Created.Format(time.RFC3339Nano)

	tests := []struct {
		query string
		want  []string
	}{
		{"count=3", []string{"m7", "m6", "m5"}},
		{"count=3&offset=3", []string{"m4", "m3", "m2"}},
		{"count=3&offset=6", []string{"m1"}},
		{"count=3&offset=9", nil},
		{"count=0", []string{"m7", "m6", "m5", "m4", "m3", "m2", "m1"}},
		{"", []string{"m7", "m6", "m5", "m4", "m3", "m2", "m1"}},
		{"showThreadMessages=true&count=2", []string{"reply", "m7"}},
		{"showThreadMessages=false&count=1", []string{"m7"}},
		{"latest=" + latest, []string{"m4", "m3", "m2", "m1"}},
		{"latest=" + latest + "&inclusive=true&count=1", []string{"m5"}},
		{"oldest=" + oldest + "&latest=" + latest, []string{"m4", "m3"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, out := c.get("/api/v1/groups.history?roomId=" + id + "&" + tt.query)
			mustOK(t, status, out)
			if got := texts(t, out); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if _, has := out["total"]; has {
				t.Errorf("history has a total: %v", out)
			}
		})
	}
}

func TestRoomMessages(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Now: ticking(), Users: humans()})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "inc-10")
	var ids []string
	for i := 1; i <= 5; i++ {
		ids = append(ids, post(t, c, id, fmt.Sprint("m", i), nil))
	}
	post(t, c, id, "reply", map[string]any{"tmid": ids[0]})
	c.mustPost("/api/v1/chat.pinMessage", map[string]any{"messageId": ids[1]})

	tests := []struct {
		query      string
		want       []string
		count, tot float64
	}{
		{"count=2", []string{"", "reply"}, 2, 7},
		{"count=2&offset=2", []string{"m5", "m4"}, 2, 7},
		{`count=3&sort={"ts":1}`, []string{"m1", "m2", "m3"}, 3, 7},
		{"pinned=true", []string{"m2"}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			status, out := c.get("/api/v1/channels.messages?roomId=" + id + "&" + tt.query)
			mustOK(t, status, out)
			if got := texts(t, out); !slices.Equal(got, tt.want) || out["count"] != tt.count || out["total"] != tt.tot {
				t.Errorf("got %q count %v total %v; want %q %v %v", got, out["count"], out["total"], tt.want, tt.count, tt.tot)
			}
		})
	}
	status, out := c.get("/api/v1/channels.messages?roomId=" + id + "&sort=ts")
	wantError(t, status, out, 400, "error-invalid-sort")

	// The bot role holds view-joined-room: it reads only channels it is in.
	other := createRoom(t, c.as("alice"), "channels", "alices")
	status, out = c.get("/api/v1/channels.messages?roomId=" + other)
	wantError(t, status, out, 403, "")
	status, out = c.as("bob").get("/api/v1/channels.messages?roomId=" + other)
	mustOK(t, status, out) // users do not hold view-joined-room
	c.mustGet("/api/v1/channels.history?roomId=" + other)
}
