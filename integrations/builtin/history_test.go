package builtin_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
)

// TestHistoryCompleteWithArrivals reads a 1 000-message channel (threads
// included) while people keep writing into it: every message once, oldest
// first, and the count check agrees; a message after the walk is caught by
// the last look.
func TestHistoryCompleteWithArrivals(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
	ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-1", Name: "inc-1"})
	if err != nil {
		t.Fatal(err)
	}
	say := func(text, thread string) string {
		m, err := b.Say(ctx, ch.ID, "alice", text, thread)
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	root := say("root", "")
	for i := range 999 {
		thread := ""
		if i%10 == 0 {
			thread = root
		}
		say(fmt.Sprintf("message %d", i), thread)
	}
	seen := map[string]bool{}
	arrived := 0
	tally, err := b.History(ctx, ch, func(m archive.Message) error {
		if seen[m.ID] {
			t.Fatalf("%s read twice", m.ID)
		}
		seen[m.ID] = true
		if len(seen)%150 == 0 && arrived < 50 { // people write while the archive reads
			for range 10 {
				say(fmt.Sprintf("late %d", arrived), "")
				arrived++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Count(ctx, ch, tally)
	if err != nil {
		t.Fatal(err)
	}
	c.Archived = len(seen)
	if arrived == 0 || len(seen) != 1000+arrived || !c.Complete() || c.Server != 1000+arrived {
		t.Fatalf("%d read, %d arrived; check %s", len(seen), arrived, c)
	}
	say("after the walk", "")
	if c, err = b.Count(ctx, ch, tally); err != nil || c.Complete() || c.Newer != 1 {
		t.Fatalf("a message after the walk: %+v, %v", c, err)
	}
}
