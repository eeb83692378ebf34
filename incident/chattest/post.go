package chattest

import (
	"context"
	"slices"
	"testing"

	"github.com/warroom/warroom/incident"
)

// post: Post writes a message into the channel, or edits the message
// Post.EditID; with Post.Retry set it returns the message an earlier
// attempt posted with the same Key instead of posting it again.
func (s *suite) post(t *testing.T) {
	ctx := context.Background()
	t.Run("WritesTheMessage", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		id, err := b.Chat.Post(ctx, ch, incident.Post{Key: s.key("hello"), Text: "hello from chattest"})
		if err != nil {
			t.Fatal(err)
		}
		got := withID(messages(t, b, ch), id)
		if len(got) != 1 || got[0].Text != "hello from chattest" || got[0].System {
			t.Errorf("the server holds %+v under the returned ID %q, want the one message written", got, id)
		}
	})
	t.Run("RetryWithTheSameKeyPostsOnce", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		p := incident.Post{Key: s.key("once"), Text: "posted once"}
		first, err := b.Chat.Post(ctx, ch, p)
		if err != nil {
			t.Fatal(err)
		}
		p.Retry = true
		for range 2 {
			again, err := s.newBackend(t).Chat.Post(ctx, ch, p) // the job runs again, maybe after a restart
			if err != nil || again != first {
				t.Fatalf("a retried Post gave %q (%v), want the first message %q", again, err, first)
			}
		}
		if got := withText(messages(t, b, ch), "posted once"); len(got) != 1 {
			t.Errorf("the channel holds %d copies of a retried post, want 1", len(got))
		}
	})
	t.Run("RetryOfAPostThatNeverArrivedPostsIt", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		id, err := b.Chat.Post(ctx, ch, incident.Post{Key: s.key("lost"), Text: "the first attempt failed", Retry: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := withID(messages(t, b, ch), id); len(got) != 1 {
			t.Errorf("a retry whose first attempt posted nothing left %d messages under %q, want 1", len(got), id)
		}
	})
	t.Run("DifferentKeysAreDifferentMessages", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		p := incident.Post{Key: s.key("a"), Text: "same words", Retry: true}
		a, err := b.Chat.Post(ctx, ch, p)
		if err != nil {
			t.Fatal(err)
		}
		p.Key = s.key("b")
		c, err := b.Chat.Post(ctx, ch, p)
		if err != nil {
			t.Fatal(err)
		}
		if a == c || len(withText(messages(t, b, ch), "same words")) != 2 {
			t.Errorf("two keys with the same text gave %q and %q; want two messages", a, c)
		}
	})
	t.Run("EditChangesTheMessage", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		id, err := b.Chat.Post(ctx, ch, incident.Post{Key: s.key("status"), Text: "status: investigating"})
		if err != nil {
			t.Fatal(err)
		}
		before := len(messages(t, b, ch))
		for _, retry := range []bool{false, true} {
			edited, err := b.Chat.Post(ctx, ch, incident.Post{Key: s.key("edit"), Text: "status: mitigated", EditID: id, Retry: retry})
			if err != nil || edited != id {
				t.Fatalf("edit (retry %v) gave %q (%v), want the edited message %q", retry, edited, err, id)
			}
		}
		ms := messages(t, b, ch)
		if got := withID(ms, id); len(got) != 1 || got[0].Text != "status: mitigated" {
			t.Errorf("after the edit the server holds %+v, want the new text", got)
		}
		if len(withText(ms, "status: mitigated")) != 1 || len(ms) != before {
			t.Errorf("the edit left %d messages where there were %d: it posted instead of editing", len(ms), before)
		}
	})
	t.Run("PinPinsTheMessageOnce", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		p := incident.Post{Key: s.key("pin"), Text: "pinned summary", Pin: true}
		id, err := b.Chat.Post(ctx, ch, p)
		if err != nil {
			t.Fatal(err)
		}
		p.Retry = true
		if again, err := b.Chat.Post(ctx, ch, p); err != nil || again != id {
			t.Fatalf("a retried pinned Post gave %q (%v), want %q", again, err, id)
		}
		if got := withID(messages(t, b, ch), id); len(got) != 1 || !got[0].Pinned {
			t.Errorf("the server holds %+v, want the message pinned", got)
		}
	})
	t.Run("FilesAreAttachedOnce", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		p := incident.Post{Key: s.key("graph"), Text: "📈 latency", Files: []incident.File{
			{Name: "latency.png", Type: "image/png", Data: []byte("\x89PNG\r\n\x1a\nchattest graph")}}}
		id, err := b.Chat.Post(ctx, ch, p)
		if err != nil {
			t.Fatal(err)
		}
		p.Retry = true
		if again, err := b.Chat.Post(ctx, ch, p); err != nil || again != id {
			t.Fatalf("a retried Post with a file gave %q (%v), want %q", again, err, id)
		}
		var files []string
		for _, m := range messages(t, b, ch) {
			files = append(files, m.Files...)
		}
		if got := withID(messages(t, b, ch), id); len(got) != 1 || !slices.Contains(got[0].Files, "latency.png") {
			t.Errorf("the server holds %+v under %q, want the message with latency.png", got, id)
		}
		if n := len(slices.DeleteFunc(files, func(f string) bool { return f != "latency.png" })); n != 1 {
			t.Errorf("the channel holds latency.png %d times, want once", n)
		}
	})
	t.Run("CardIsPosted", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		p := incident.Post{Key: s.key("card"), Text: "🔥 INC-1 HighLatency", Card: &incident.Card{
			Title: "HighLatency", Text: "p99 over 2s", Severity: incident.SeverityHigh,
			Fields:  []incident.Field{{Title: "service", Value: "checkout", Short: true}},
			Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack"}}}}
		id, err := b.Chat.Post(ctx, ch, p)
		if err != nil {
			t.Fatal(err)
		}
		p.Retry = true
		if again, err := b.Chat.Post(ctx, ch, p); err != nil || again != id {
			t.Fatalf("a retried card gave %q (%v), want %q", again, err, id)
		}
		if got := withID(messages(t, b, ch), id); len(got) != 1 {
			t.Errorf("the server holds %d messages under the card's ID %q, want 1", len(got), id)
		}
	})
}

// directMessage: a DirectMessenger writes to one person; its Post follows
// the rules of Chat.Post, so a retried page reaches the person once.
func (s *suite) directMessage(t *testing.T) {
	b := s.newBackend(t)
	dm, ok := b.Chat.(incident.DirectMessenger)
	if !ok || b.Direct == nil {
		t.Skipf("%s is no incident.DirectMessenger", b.Chat.Backend())
	}
	ctx := context.Background()
	t.Run("RetryWithTheSameKeyPagesOnce", func(t *testing.T) {
		key := s.key("page")
		p := incident.Post{Key: key, Text: "📟 you are paged (" + key + ")"}
		first, err := dm.DirectMessage(ctx, b.Person, p)
		if err != nil {
			t.Fatal(err)
		}
		p.Retry = true
		if again, err := dm.DirectMessage(ctx, b.Person, p); err != nil || again != first {
			t.Fatalf("a retried page gave %q (%v), want the first message %q", again, err, first)
		}
		got, err := b.Direct(ctx, b.Person)
		if err != nil {
			t.Fatal(err)
		}
		if m := withText(got, key); len(m) != 1 || m[0].ID != first {
			t.Errorf("%s got %+v, want the page once as %q", b.Person, m, first)
		}
	})
}
