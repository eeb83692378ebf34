package rocketchat

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// tiedClock hands out times that 16 saves in a row share, as busy rooms do.
type tiedClock struct {
	mu sync.Mutex
	n  int64
}

func (c *tiedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC).Add(time.Duration(c.n/16) * time.Millisecond)
}

// arrivals is a transport that lets people write into the room between the
// history pages the backend reads.
type arrivals struct {
	next  http.RoundTripper
	every func()
}

func (a arrivals) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, ".history") && a.every != nil {
		a.every()
	}
	return a.next.RoundTrip(r)
}

// TestHistoryCompleteWithArrivals reads a room of 1 200 messages (threads
// included, 16 to a millisecond) while people keep writing: every message
// once, oldest first, the count check agrees with the room's msgs; a
// message after the walk is caught by the last look.
func TestHistoryCompleteWithArrivals(t *testing.T) {
	clock := &tiedClock{}
	rc := rctest.New(t, rctest.Options{Now: clock.Now})
	ctx := context.Background()
	setup := newBackend(t, rc, false)
	ch, err := setup.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-3", Name: "inc-3-history", Invite: []string{"alice"}})
	if err != nil {
		t.Fatal(err)
	}
	root := rc.PostAsUser("alice", ch.ID, "root", "")
	for i := range 1199 {
		thread := ""
		if i%10 == 0 {
			thread = root
		}
		rc.PostAsUser("alice", ch.ID, fmt.Sprintf("message %d", i), thread)
	}
	arrived, calls, walking := 0, 0, true
	transport := arrivals{next: http.DefaultTransport, every: func() {
		if calls++; walking && calls%3 == 0 && arrived < 48 {
			for range 16 {
				rc.PostAsUser("alice", ch.ID, fmt.Sprintf("late %d", arrived), "")
				arrived++
			}
		}
	}}
	bot := rc.Bot()
	b, err := New(Config{URL: rc.URL(), UserID: bot.ID, Token: bot.Token}, slog.New(slog.DiscardHandler), &http.Client{Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var last time.Time
	tally, err := b.History(ctx, ch, func(m archive.Message) error {
		if seen[m.ID] {
			t.Fatalf("%s read twice", m.ID)
		}
		seen[m.ID] = true
		if m.At.Before(last) {
			t.Fatalf("%s at %s after %s: not oldest first", m.ID, m.At, last)
		}
		last = m.At
		return nil
	})
	walking = false
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Count(ctx, ch, tally)
	if err != nil {
		t.Fatal(err)
	}
	c.Archived = tally.Messages
	people := 0
	for _, m := range rc.Messages(ch.ID) {
		if m.Type == "" {
			people++
		}
	}
	if arrived == 0 || tally.Counted != 1200+arrived || people != 1200+arrived || !c.Complete() {
		t.Fatalf("%d read (%d counted), %d arrived; check %s", len(seen), tally.Counted, arrived, c)
	}
	rc.PostAsUser("alice", ch.ID, "after the walk", "")
	clock.Now() // a new millisecond for the next save
	if c, err = b.Count(ctx, ch, tally); err != nil || c.Complete() {
		t.Fatalf("a message after the walk: %+v, %v", c, err)
	}
}
