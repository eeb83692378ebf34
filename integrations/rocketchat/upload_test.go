package rocketchat

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

func newBackend(t *testing.T, rc *rctest.Server, private bool) *Backend {
	t.Helper()
	bot := rc.Bot()
	b, err := New(Config{URL: rc.URL(), UserID: bot.ID, Token: bot.Token, Private: private}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUploadAcrossVersions posts a file on servers with and without
// rooms.media: the new two-step flow where it exists, rooms.upload where it
// does not (also when the version says nothing), and a retried post never
// uploads twice.
func TestUploadAcrossVersions(t *testing.T) {
	tests := []struct {
		name      string
		opts      rctest.Options
		wantMedia bool
	}{
		{"8.0 has only rooms.media", rctest.Options{Version: "8.0.0"}, true},
		{"6.10 has both", rctest.Options{Version: "6.10.0"}, true},
		{"5.4 has only rooms.upload", rctest.Options{Version: "5.4.0"}, false},
		{"a 6.x that lacks rooms.media: fall back on 404", rctest.Options{Version: "6.2.0", Media: rctest.MediaOff}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := rctest.New(t, tt.opts)
			b := newBackend(t, rc, false)
			ctx := context.Background()
			ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-1", Name: "inc-1-graphs", Header: "h"})
			if err != nil {
				t.Fatal(err)
			}
			png := []byte("\x89PNG fake graph bytes")
			post := incident.Post{Key: "INC-1/graphs", Text: "📈 latency", Files: []incident.File{{Name: "latency.png", Type: "image/png", Data: png}}}
			if _, err := b.Post(ctx, ch, post); err != nil {
				t.Fatalf("post with file: %v", err)
			}
			post.Retry = true
			if _, err := b.Post(ctx, ch, post); err != nil {
				t.Fatalf("retried post: %v", err)
			}
			uploads := 0
			for _, m := range rc.Messages(ch.ID) {
				for _, f := range m.Files {
					if f.Name == "latency.png" && string(f.Data) == string(png) {
						uploads++
						if m.Text != "📈 latency" {
							t.Errorf("caption %q", m.Text)
						}
					}
				}
			}
			if uploads != 1 {
				t.Errorf("the file is in the room %d times, want 1", uploads)
			}
			media := false
			for _, r := range rc.Requests() {
				media = media || strings.Contains(r.Path, "rooms.mediaConfirm/") && r.Status == http.StatusOK
			}
			if media != tt.wantMedia {
				t.Errorf("used rooms.media: %v, want %v", media, tt.wantMedia)
			}
		})
	}
}

// TestHistoryReadsEverything reads threads, files, reactions and edits
// back, oldest first, across pages.
func TestHistoryReadsEverything(t *testing.T) {
	rc := rctest.New(t, rctest.Options{})
	b := newBackend(t, rc, true)
	ctx := context.Background()
	ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-2", Name: "inc-2-history", Invite: []string{"alice"}})
	if err != nil {
		t.Fatal(err)
	}
	root := rc.PostAsUser("alice", ch.ID, "first", "")
	rc.PostAsUser("alice", ch.ID, "in the thread", root)
	rc.UploadAsUser("alice", ch.ID, "dump.txt", []byte("heap"))
	rc.ReactAsUser("alice", root, ":pushpin:")
	for i := range 230 {
		rc.PostAsUser("alice", ch.ID, "filler "+strings.Repeat("x", i%5), "")
	}
	var got []archive.Message
	if _, err := b.History(ctx, ch, func(m archive.Message) error { got = append(got, m); return nil }); err != nil {
		t.Fatal(err)
	}
	var people []archive.Message
	for _, m := range got {
		if !m.System {
			people = append(people, m)
		}
	}
	if len(people) != 233 {
		t.Fatalf("%d messages read, want 233", len(people))
	}
	for i := 1; i < len(got); i++ {
		if got[i].At.Before(got[i-1].At) {
			t.Fatalf("message %d is older than %d: not oldest first", i, i-1)
		}
	}
	first, reply, file := people[0], people[1], people[2]
	if first.Text != "first" || len(first.Reactions) != 1 || first.Reactions[0].Emoji != "pushpin" || first.Reactions[0].Users[0] != "alice" {
		t.Errorf("first = %+v", first)
	}
	if reply.ThreadID != first.ID {
		t.Errorf("the reply's thread is %q, want %q", reply.ThreadID, first.ID)
	}
	if len(file.Files) != 1 || string(file.Files[0].Data) != "heap" {
		t.Errorf("file message = %+v", file)
	}
}

func TestClassify(t *testing.T) {
	now := time.Now()
	h := http.Header{}
	h.Set("X-RateLimit-Reset", itoa(now.Add(3*time.Second).UnixMilli()))
	if d, ok := resetIn(h, now); !ok || d < 3*time.Second || d > 4*time.Second {
		t.Errorf("resetIn = %s, want about 3s (the header is epoch milliseconds)", d)
	}
	tests := []struct {
		status   int
		body     string
		kind     incident.Kind
		errType  string
		contains string
	}{
		{400, `{"success":false,"error":"A channel with that name exists [error-duplicate-channel-name]","errorType":"error-duplicate-channel-name"}`,
			incident.KindPermanent, "error-duplicate-channel-name", "name exists"},
		{401, `{"success":false,"error":"You must be logged in to do this."}`, incident.KindPermanent, "", "chat.rocketchat.user_id"},
		{403, `{"success":false,"error":"unauthorized"}`, incident.KindPermanent, "", "bot role"},
		{502, `<html>bad gateway</html>`, incident.KindTransient, "", "bad gateway"},
		{404, `{"success":false,"error":"no such API"}`, incident.KindPermanent, "", "does not have that API"},
		{408, ``, incident.KindTransient, "", "Rocket.Chat answered 408: (empty body)"},
	}
	for _, tt := range tests {
		err := classify("op", &http.Response{StatusCode: tt.status, Header: http.Header{}}, []byte(tt.body))
		if incident.ErrorKind(err) != tt.kind || errorType(err) != tt.errType || !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("%d: %v (kind %s, type %q)", tt.status, err, incident.ErrorKind(err), errorType(err))
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestDirectMessage opens a direct room with a person and posts a page with
// a button that puts "!incident ack INC-1" in the chat.
func TestDirectMessage(t *testing.T) {
	rc := rctest.New(t, rctest.Options{})
	b := newBackend(t, rc, false)
	p := incident.Post{Key: "INC-1/page/alice", Text: "📟 You are paged for INC-1",
		Card: &incident.Card{Title: "INC-1", Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack INC-1"}}}}
	id, err := b.DirectMessage(context.Background(), "alice", p)
	if err != nil {
		t.Fatal(err)
	}
	p.Retry = true
	if again, err := b.DirectMessage(context.Background(), "alice", p); err != nil || again != id {
		t.Fatalf("retried page: %q %v, want the same message %q", again, err, id)
	}
	msg := rc.Message(id)
	if !strings.Contains(string(msg.Attachments[0]), `"msg":"!incident ack INC-1"`) {
		t.Errorf("the page's button: %s", msg.Attachments[0])
	}
	if _, err := b.DirectMessage(context.Background(), "nobody-here", p); err == nil {
		t.Error("a page to an unknown user succeeded")
	}
}
