package mattermost

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// pagedChannel is a hand-written stand-in for Mattermost's post-list
// endpoints over a channel of n generated posts: page 0 (newest first),
// before=<id> and after=<id>, per_page capped at 200, as the contract says.
// Only the history reader uses it; the rest is tested on a real server.
func pagedChannel(t testing.TB, n int) *httptest.Server {
	id := func(i int) string { return fmt.Sprintf("p%025d", i) }
	index := func(pid string) int { v, _ := strconv.Atoi(strings.TrimLeft(pid[1:], "0")); return v }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"id": r.PathValue("id"), "username": "user-" + r.PathValue("id")})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/posts", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		per, _ := strconv.Atoi(q.Get("per_page"))
		per = min(max(per, 1), 200)
		lo, hi := 0, n // posts [lo, hi) are candidates, 1-based indices lo+1..hi
		switch {
		case q.Get("before") != "":
			hi = index(q.Get("before")) - 1
			lo = max(hi-per, 0)
		case q.Get("after") != "":
			lo = index(q.Get("after"))
			hi = min(lo+per, n)
		default:
			lo = max(n-per, 0)
		}
		order := []string{}
		posts := map[string]any{}
		for i := hi; i > lo; i-- {
			order = append(order, id(i))
			posts[id(i)] = map[string]any{"id": id(i), "channel_id": r.PathValue("id"), "user_id": "u" + strconv.Itoa(i%7),
				"message": strings.Repeat("x", 200), "create_at": int64(i) * 1000}
		}
		json.NewEncoder(w).Encode(map[string]any{"order": order, "posts": posts})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func newTestBackend(t testing.TB, url string) *Backend {
	b, err := New(Config{URL: url, Token: "t", Team: "ops"}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHistoryOrderAndCompleteness(t *testing.T) {
	for _, n := range []int{0, 1, 199, 200, 201, 1000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			b := newTestBackend(t, pagedChannel(t, n).URL)
			var got []string
			err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(m archive.Message) error {
				got = append(got, m.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("%d posts read, want %d", len(got), n)
			}
			for i, id := range got {
				if want := fmt.Sprintf("p%025d", i+1); id != want {
					t.Fatalf("post %d is %s, want %s: not oldest first", i, id, want)
				}
			}
		})
	}
}

// TestHistoryMemoryIsBounded reads a 50 000-post channel and checks that the
// live heap does not grow with the number of posts read.
func TestHistoryMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 000 posts")
	}
	b := newTestBackend(t, pagedChannel(t, 50000).URL)
	var heapAt []uint64
	read := 0
	err := b.History(context.Background(), incident.ChannelRef{ID: "c"}, func(m archive.Message) error {
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
