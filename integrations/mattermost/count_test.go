package mattermost

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// walkAndCount reads the stand-in's channel and counts it.
func walkAndCount(t *testing.T, s *mmtest.StandIn, change func()) (archive.Tally, archive.Count, int) {
	t.Helper()
	b := newTestBackend(t, s.URL)
	tally, err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(archive.Message) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change()
	}
	calls := s.Calls()
	c, err := b.Count(context.Background(), incident.ChannelRef{ID: "c"}, tally)
	if err != nil {
		t.Fatal(err)
	}
	return tally, c, s.Calls() - calls
}

// TestCountDeletedPostsInBigChannels: in a channel of 3 000 posts, posts
// deleted within the channel's last 1000 changes are counted exactly from
// since= answers, though a full answer lists live posts first (as the real
// server does), and the check agrees; one deleted with more changes after
// it cannot be reached, and the check fails and says why.
func TestCountDeletedPostsInBigChannels(t *testing.T) {
	late := time.Now().Add(-time.Minute).UnixMilli() // before the walk and its margin
	cases := []struct {
		name     string
		deleted  map[int]int64 // post index: UpdateAt (0: right after it was written)
		complete bool
	}{
		{"deleted late", map[int]int64{3: late, 1500: late + 1, 2999: late + 2}, true},
		{"deleted among the last changes", map[int]int64{2200: 0, 2500: 0, 2998: 0}, true},
		{"deleted long ago", map[int]int64{5: 0, 2500: 0}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mmtest.NewStandIn(t, 3000, 4)
			for i, at := range tc.deleted {
				s.Post(i).Deleted, s.Post(i).UpdateAt = true, at
			}
			tally, c, calls := walkAndCount(t, s, nil)
			want := len(tc.deleted)
			if tally.Counted != 3000-want || c.Server != 3000 || c.Complete() != tc.complete {
				t.Fatalf("tally %+v, count %s (want %d deleted, complete %v)", tally, c, want, tc.complete)
			}
			if tc.complete && c.Deleted != want {
				t.Fatalf("count %s: want %d deleted", c, want)
			}
			if !tc.complete && (c.Deleted != want-1 || !strings.Contains(c.Basis, "older deletions may not be countable")) {
				t.Fatalf("count %s: want %d deleted found and the reason named", c, want-1)
			}
			if calls < 3 {
				t.Errorf("%d calls for the count: the deleted posts were counted from one answer of 1000", calls)
			}
		})
	}
}

// TestCountNeverCountsAPostTwice: a post the walk read, deleted after the
// walk began, is in the walk, not among the deleted; a post deleted before
// it is among the deleted.
func TestCountNeverCountsAPostTwice(t *testing.T) {
	s := mmtest.NewStandIn(t, 1500, 4)
	s.Post(1400).Deleted = true
	tally, c, _ := walkAndCount(t, s, func() {
		s.Post(700).Deleted, s.Post(700).UpdateAt = true, time.Now().Add(time.Hour).UnixMilli()
	})
	if tally.Counted != 1499 || c.Deleted != 1 || c.Accounted != 1500 || !c.Complete() {
		t.Fatalf("tally %+v, count %s: want the walk's 1499 and 1 deleted", tally, c)
	}
}

// TestCountDeletedDuringTheWalk: a post deleted after the walk began and
// before the walk reached it is in neither the walk nor the windows (it
// changed after Began), but the walk saw it deleted and did not read it:
// counted once. When too many posts changed since the walk began to tell,
// it is counted nowhere and the check comes out short, with the numbers.
func TestCountDeletedDuringTheWalk(t *testing.T) {
	future := time.Now().Add(time.Hour).UnixMilli()
	s := mmtest.NewStandIn(t, 1500, 4)
	s.Post(7).Deleted, s.Post(7).UpdateAt = true, future
	tally, c, _ := walkAndCount(t, s, nil)
	if len(tally.Unread) != 1 || tally.Unread[0] != s.Post(7).ID || c.Deleted != 1 || !c.Complete() {
		t.Fatalf("tally %+v, count %s: want post 7 unread and counted once", tally, c)
	}

	s = mmtest.NewStandIn(t, 1500, 4)
	s.Post(7).Deleted, s.Post(7).UpdateAt = true, future
	for i := 100; i < 1100; i++ { // 1000 posts edited meanwhile
		s.Post(i).UpdateAt = future + int64(i)
	}
	tally, c, _ = walkAndCount(t, s, nil)
	if len(tally.Unread) != 0 || c.Complete() || c.Accounted != 1499 || c.Server != 1500 || !strings.Contains(c.String(), "counts 1500") {
		t.Fatalf("tally %+v, count %s: want short by one", tally, c)
	}
}

// TestCountStopsAtAFullMillisecond: 1 100 posts deleted in one millisecond
// (a long thread deleted with its root) cannot be paged past with since=:
// the check fails and says why, rather than guess.
func TestCountStopsAtAFullMillisecond(t *testing.T) {
	s := mmtest.NewStandIn(t, 2000, 4)
	for i := 100; i < 1200; i++ {
		s.Post(i).Deleted, s.Post(i).UpdateAt = true, 1_001_000
	}
	_, c, _ := walkAndCount(t, s, nil)
	if c.Complete() || !strings.Contains(c.Basis, "cannot page past") {
		t.Fatalf("count %s: want incomplete, naming the millisecond", c)
	}
}
