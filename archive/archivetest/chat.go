package archivetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// ChatBackend is one chat backend under test.
type ChatBackend struct {
	// Chat opens the channels and posts warroom's messages.
	Chat incident.Chat
	// Archive is the adapter under test, on the same server.
	Archive archive.Chat
	// Say writes a person's message into the channel and returns its ID:
	// the archive reads people's messages as well as warroom's.
	Say func(ctx context.Context, ch incident.ChannelRef, text string) (string, error)
}

// RunChat runs every archive.Chat rule as a subtest, each against a
// ChatBackend from newBackend.
func RunChat(t *testing.T, newBackend func(t *testing.T) ChatBackend) {
	var c counter
	ctx := context.Background()
	// write fills a fresh channel with n messages, warroom's and a
	// person's in turn, and returns their IDs in order.
	write := func(t *testing.T, b ChatBackend, ch incident.ChannelRef, n int) []string {
		t.Helper()
		var ids []string
		for i := range n {
			text := fmt.Sprintf("message %d of %s", i, ch.Name)
			var id string
			var err error
			if i%2 == 0 {
				id, err = b.Chat.Post(ctx, ch, incident.Post{Key: fmt.Sprintf("at/%d/%d", c.next(), i), Text: text})
			} else {
				id, err = b.Say(ctx, ch, text)
			}
			if err != nil {
				t.Fatalf("write %q: %v", text, err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	walk := func(t *testing.T, b ChatBackend, ch incident.ChannelRef) ([]archive.Message, archive.Tally) {
		t.Helper()
		var got []archive.Message
		tally, err := b.Archive.History(ctx, ch, func(m archive.Message) error { got = append(got, m); return nil })
		if err != nil {
			t.Fatalf("History: %v", err)
		}
		return got, tally
	}

	t.Run("HistoryReadsEveryMessageOnceOldestFirst", func(t *testing.T) {
		b := newBackend(t)
		ch := c.channel(t, b.Chat)
		ids := write(t, b, ch, 12)
		got, tally := walk(t, b, ch)
		at := map[string]int{}
		for i, m := range got {
			if _, twice := at[m.ID]; twice {
				t.Errorf("%s read twice", m.ID)
			}
			at[m.ID] = i
			if i > 0 && m.At.Before(got[i-1].At) {
				t.Errorf("%s at %v comes after %s at %v: not oldest first", m.ID, m.At, got[i-1].ID, got[i-1].At)
			}
		}
		last := -1
		for i, id := range ids {
			pos, ok := at[id]
			if !ok {
				t.Errorf("message %d (%s) was not read", i, id)
				continue
			}
			if pos < last {
				t.Errorf("message %d (%s) read before the one written ahead of it", i, id)
			}
			last = pos
		}
		if tally.Messages != len(got) || len(got) > 0 && tally.LastID != got[len(got)-1].ID {
			t.Errorf("the tally %+v does not say what the walk passed on (%d messages, the last %s)", tally, len(got), got[len(got)-1].ID)
		}
	})
	t.Run("CountAfterAWalkIsComplete", func(t *testing.T) {
		b := newBackend(t)
		ch := c.channel(t, b.Chat)
		write(t, b, ch, 7)
		_, tally := walk(t, b, ch)
		cnt, err := b.Archive.Count(ctx, ch, tally)
		if err != nil {
			t.Fatal(err)
		}
		cnt.Archived = tally.Messages
		if !cnt.Complete() {
			t.Errorf("the count after a full walk is not complete: %s", cnt)
		}
	})
	t.Run("CountSeesAMessageNewerThanTheWalk", func(t *testing.T) {
		b := newBackend(t)
		ch := c.channel(t, b.Chat)
		write(t, b, ch, 5)
		_, tally := walk(t, b, ch)
		if _, err := b.Say(ctx, ch, "too late for the walk"); err != nil {
			t.Fatal(err)
		}
		cnt, err := b.Archive.Count(ctx, ch, tally)
		if err != nil {
			t.Fatal(err)
		}
		// The last look may miss a message posted in the walk's own last
		// millisecond (the servers page by time); then the server's count
		// is the one that sees it. Either way the count is not complete.
		if cnt.Complete() || cnt.Newer < 1 && cnt.Server <= cnt.Accounted {
			t.Errorf("a message after the walk: the count says %s (newer %d), want incomplete", cnt, cnt.Newer)
		}
	})
	t.Run("CountOfAGoneChannelIsNotFound", func(t *testing.T) {
		b := newBackend(t)
		ch := c.channel(t, b.Chat)
		write(t, b, ch, 2)
		_, tally := walk(t, b, ch)
		if _, err := b.Archive.DeleteChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Archive.Count(ctx, ch, tally); incident.ErrorKind(err) != incident.KindNotFound {
			t.Errorf("Count of a deleted channel: %v (kind %q), want KindNotFound", err, incident.ErrorKind(err))
		}
	})
	t.Run("DeleteChannelSaysWhatItDid", func(t *testing.T) {
		b := newBackend(t)
		ch := c.channel(t, b.Chat)
		if how, err := b.Archive.DeleteChannel(ctx, ch); err != nil || how == "" {
			t.Errorf("DeleteChannel: %q, %v; want what it did", how, err)
		}
	})
	t.Run("DeleteChannelAlreadyGoneIsNoError", func(t *testing.T) {
		b := newBackend(t)
		ch := c.channel(t, b.Chat)
		if _, err := b.Archive.DeleteChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		for _, again := range []archive.Chat{b.Archive, newBackend(t).Archive} { // the job ran before, maybe in another process
			if how, err := again.DeleteChannel(ctx, ch); err != nil || how == "" {
				t.Errorf("deleting a channel already gone: %q, %v; want no error and what it found", how, err)
			}
		}
	})
}
