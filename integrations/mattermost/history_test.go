package mattermost

import (
	"context"
	"log/slog"
	"runtime"
	"strconv"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

func newTestBackend(t testing.TB, url string) *Backend {
	b, err := New(Config{URL: url, Token: "t", Team: "ops"}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll walks the channel and checks that every post came once, oldest
// first, and that the count check agrees.
func readAll(t *testing.T, b *Backend, s *mmtest.StandIn) []string {
	t.Helper()
	var got []string
	var lastAt int64
	seen := map[string]bool{}
	tally, err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(m archive.Message) error {
		if seen[m.ID] {
			t.Fatalf("post %s read twice", m.ID)
		}
		seen[m.ID] = true
		if at := m.At.UnixMilli(); at < lastAt {
			t.Fatalf("post %s at %d after one at %d: not oldest first", m.ID, at, lastAt)
		} else {
			lastAt = at
		}
		got = append(got, m.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Count(context.Background(), incident.ChannelRef{ID: "c"}, tally)
	if err != nil {
		t.Fatal(err)
	}
	c.Archived = len(got)
	if tally.Messages != len(got) || !c.Complete() || c.Server != len(s.Posts()) {
		t.Fatalf("tally %+v, count %s: want complete at %d", tally, c, len(s.Posts()))
	}
	return got
}

// TestHistoryTiesAtPageBoundaries reads channels whose posts share
// milliseconds across page boundaries, in the stand-in that orders ties
// differently on every request, as Mattermost may.
func TestHistoryTiesAtPageBoundaries(t *testing.T) {
	for _, tt := range []struct{ n, perMilli int }{{0, 1}, {1, 1}, {199, 1}, {200, 1}, {201, 1}, {1000, 16}, {3001, 16}, {1000, 7}, {1000, 199}} {
		t.Run(strconv.Itoa(tt.n)+"x"+strconv.Itoa(tt.perMilli), func(t *testing.T) {
			s := mmtest.NewStandIn(t, tt.n, tt.perMilli)
			got := readAll(t, newTestBackend(t, s.URL), s)
			if len(got) != tt.n {
				t.Fatalf("%d posts read, want %d", len(got), tt.n)
			}
		})
	}
}

// TestHistoryMillisecondFillsPage: when more posts share one millisecond
// than a page holds, Mattermost offers no order to page them by; the walk
// pages on by offset and, should the server reorder them between pages,
// the count check says so. It never reads a post twice nor passes short.
func TestHistoryMillisecondFillsPage(t *testing.T) {
	s := mmtest.NewStandIn(t, 900, 450)
	b := newTestBackend(t, s.URL)
	seen := map[string]bool{}
	tally, err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(m archive.Message) error {
		if seen[m.ID] {
			t.Fatalf("post %s read twice", m.ID)
		}
		seen[m.ID] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Count(context.Background(), incident.ChannelRef{ID: "c"}, tally)
	if err != nil {
		t.Fatal(err)
	}
	c.Archived = len(seen)
	if c.Complete() != (len(seen) == len(s.Posts())) {
		t.Fatalf("%d of %d posts read, yet the check says complete=%v: %s", len(seen), len(s.Posts()), c.Complete(), c)
	}
	t.Logf("%d of %d posts read; check: %s", len(seen), len(s.Posts()), c)
}

// TestHistoryPostsArriveDuringWalk adds posts (16 to a millisecond) while
// the walk pages back; the transcript must hold them all, once.
func TestHistoryPostsArriveDuringWalk(t *testing.T) {
	s := mmtest.NewStandIn(t, 2000, 16)
	added := 0
	s.OnList = func(s *mmtest.StandIn) {
		if s.Calls()%3 == 0 && added < 64 {
			at := s.Newest()
			for i := 0; i < 16; i++ {
				s.Add(at) // the same millisecond as the newest post
				added++
			}
		}
	}
	got := readAll(t, newTestBackend(t, s.URL), s)
	if added == 0 || len(got) != 2000+added {
		t.Fatalf("%d posts read, want %d (%d arrived during the walk)", len(got), 2000+added, added)
	}
}

// TestHistoryCountsDeletedPosts: Mattermost keeps deleted posts in
// total_msg_count; the check finds them with since= and still agrees.
func TestHistoryCountsDeletedPosts(t *testing.T) {
	s := mmtest.NewStandIn(t, 300, 4)
	s.Post(10).Deleted, s.Post(150).Deleted = true, true
	s.UncountJoin(20) // not in total_msg_count
	b := newTestBackend(t, s.URL)
	tally, err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(archive.Message) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Count(context.Background(), incident.ChannelRef{ID: "c"}, tally)
	if err != nil {
		t.Fatal(err)
	}
	if tally.Messages != 298 || tally.Counted != 297 || c.Deleted != 2 || c.Server != 299 || !c.Complete() {
		t.Fatalf("tally %+v, count %+v", tally, c)
	}
	s.Add(s.Newest() + 1) // a late post: the check must see it
	if c, err = b.Count(context.Background(), incident.ChannelRef{ID: "c"}, tally); err != nil || c.Complete() || c.Newer != 1 {
		t.Fatalf("after a late post: %+v, %v", c, err)
	}
}

// TestHistoryMemoryIsBounded reads a 50 000-post channel and checks that the
// live heap does not grow with the number of posts read.
func TestHistoryMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 000 posts")
	}
	s := mmtest.NewStandIn(t, 50000, 16)
	b := newTestBackend(t, s.URL)
	var heapAt []uint64
	read := 0
	_, err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(m archive.Message) error {
		read++
		if read%10000 == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heapAt = append(heapAt, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("live heap after 10k, 20k, ... 50k posts: %v bytes", heapAt)
	if grow := int64(heapAt[len(heapAt)-1]) - int64(heapAt[0]); grow > 2<<20 {
		t.Errorf("live heap grew by %d bytes between 10 000 and 50 000 posts read: memory is not bounded", grow)
	}
}

// TestHistoryPartsMeetAtMilliseconds walks channels cut into parts walked
// side by side, with cuts that fall inside runs of tied milliseconds: every
// post is read once, oldest first, whatever the number of parts.
func TestHistoryPartsMeetAtMilliseconds(t *testing.T) {
	for _, walks := range []int{1, 2, 3, 4, 7, 16} {
		for _, tt := range []struct{ n, perMilli int }{{3001, 16}, {1000, 199}, {5000, 1}, {2003, 3}, {1200, 150}} {
			t.Run(strconv.Itoa(walks)+"/"+strconv.Itoa(tt.n)+"x"+strconv.Itoa(tt.perMilli), func(t *testing.T) {
				s := mmtest.NewStandIn(t, tt.n, tt.perMilli)
				b := newTestBackend(t, s.URL)
				b.historyWalks = walks
				parts, err := b.parts(context.Background(), incident.ChannelRef{ID: "c"})
				if err != nil {
					t.Fatal(err)
				}
				// Cuts in one millisecond make one part of the two.
				if want := min(walks, tt.n/maxHistoryPage); want > 1 && tt.perMilli*want < tt.n/want && len(parts) != want {
					t.Errorf("%d parts, want %d", len(parts), want)
				} else if want <= 1 && len(parts) != 1 {
					t.Errorf("%d parts of a channel of %d posts, want one", len(parts), tt.n)
				}
				if got := readAll(t, b, s); len(got) != tt.n {
					t.Fatalf("%d posts read, want %d", len(got), tt.n)
				}
			})
		}
	}
}
