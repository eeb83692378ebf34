package mmtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// StandIn is a hand-written stand-in for Mattermost 9.9's post-list
// endpoints over one channel, as the server source orders and pages them
// (sqlstore getPostsAround, getRootPosts, GetPostsSince): before=<id>
// answers posts with CreateAt below that post's, newest first; after=<id>
// those above, oldest first; neither: newest first; page= is an offset;
// per_page is capped at 200; posts of one CreateAt come in no defined order
// (shuffled on every request here). since= answers 1000 of the posts
// changed after that time, deleted ones too, in the order the real server
// was seen to pick them (the index on ChannelId, DeleteAt, CreateAt): live
// posts first by CreateAt, then deleted ones by deletion. The channel's total_msg_count
// (deleted posts in, joins out) is the bot's member msg_count (0) plus its
// unread msg_count, as Mattermost reads them uncached. It is
// for the history reader's tests and for load runs too big for a real
// server; everything else is tested on a real Mattermost.
type StandIn struct {
	URL string

	mu    sync.Mutex
	posts []StandInPost // by CreateAt
	total int
	calls int
	rng   *rand.Rand
	// OnList, when set, runs before each post-list answer (under the lock),
	// to change the channel while it is read.
	OnList func(s *StandIn)
}

// StandInPost is one post of the stand-in.
type StandInPost struct {
	ID       string
	CreateAt int64
	// UpdateAt is when the post last changed (its deletion, for a deleted
	// post); 0 means CreateAt, or CreateAt+1 for a deleted post.
	UpdateAt int64
	Deleted  bool
	Type     string
}

func (p StandInPost) updateAt() int64 {
	switch {
	case p.UpdateAt != 0:
		return p.UpdateAt
	case p.Deleted:
		return p.CreateAt + 1
	}
	return p.CreateAt
}

// NewStandIn serves a channel of n posts, perMilli of them sharing each
// millisecond.
func NewStandIn(t testing.TB, n, perMilli int) *StandIn {
	s := &StandIn{rng: rand.New(rand.NewPCG(1, 2))}
	for i := 0; i < n; i++ {
		s.Add(int64(1_000_000 + i/perMilli))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"id": r.PathValue("id"), "username": "user-" + r.PathValue("id")})
	})
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"id": "bot", "username": "warroom-bot"})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"id": r.PathValue("id"), "create_at": 1, "total_msg_count": s.total})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/members/{user}", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"channel_id": r.PathValue("id"), "user_id": r.PathValue("user"), "msg_count": 0})
	})
	mux.HandleFunc("GET /api/v4/users/{user}/channels/{id}/unread", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"channel_id": r.PathValue("id"), "msg_count": s.total})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}/posts", s.list)
	mux.HandleFunc("GET /api/v4/system/ping", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"status": "OK"})
	})
	mux.HandleFunc("DELETE /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"status": "OK"})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Add saves a post at createAt, as a person would, and returns its ID.
// Call it from OnList or before the stand-in is read.
func (s *StandIn) Add(createAt int64) string {
	id := fmt.Sprintf("p%025d", len(s.posts)+1)
	i := sort.Search(len(s.posts), func(i int) bool { return s.posts[i].CreateAt > createAt })
	s.posts = append(s.posts, StandInPost{})
	copy(s.posts[i+1:], s.posts[i:])
	s.posts[i] = StandInPost{ID: id, CreateAt: createAt}
	s.total++
	return id
}

// Posts is the channel, oldest first; change entries only before reading.
func (s *StandIn) Posts() []StandInPost { return s.posts }

// Post returns the i-th post, oldest first, for changing it.
func (s *StandIn) Post(i int) *StandInPost { return &s.posts[i] }

// UncountJoin records that one post is a join, left out of total_msg_count.
func (s *StandIn) UncountJoin(i int) { s.posts[i].Type = "system_join_channel"; s.total-- }

// Calls is how many post lists were answered.
func (s *StandIn) Calls() int { return s.calls }

// Newest is the CreateAt of the newest post.
func (s *StandIn) Newest() int64 { return s.posts[len(s.posts)-1].CreateAt }

func (s *StandIn) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.OnList != nil {
		s.OnList(s)
	}
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 60
	}
	per = min(per, 200)
	page, _ := strconv.Atoi(q.Get("page"))
	var sel []StandInPost
	switch {
	case q.Get("since") != "":
		since, _ := strconv.ParseInt(q.Get("since"), 10, 64)
		for _, p := range s.posts {
			if p.updateAt() > since {
				sel = append(sel, p)
			}
		}
		sort.SliceStable(sel, func(i, j int) bool { // stable: by CreateAt within
			if sel[i].Deleted != sel[j].Deleted {
				return !sel[i].Deleted
			}
			return sel[i].Deleted && sel[i].updateAt() < sel[j].updateAt()
		})
		sel = sel[:min(len(sel), 1000)]
	case q.Get("after") != "":
		if at, ok := s.createAt(q.Get("after")); ok {
			from := sort.Search(len(s.posts), func(i int) bool { return s.posts[i].CreateAt > at })
			sel = s.take(from, 1, page, per)
		}
	case q.Get("before") != "":
		if at, ok := s.createAt(q.Get("before")); ok {
			to := sort.Search(len(s.posts), func(i int) bool { return s.posts[i].CreateAt >= at })
			sel = s.take(to-1, -1, page, per)
		}
	default:
		sel = s.take(len(s.posts)-1, -1, page, per)
	}
	order := []string{}
	posts := map[string]any{}
	for _, p := range sel {
		order = append(order, p.ID)
		post := map[string]any{"id": p.ID, "channel_id": r.PathValue("id"), "user_id": "u" + p.ID[len(p.ID)-1:],
			"message": strings.Repeat("x", 200), "create_at": p.CreateAt, "update_at": p.updateAt(), "type": p.Type}
		if p.Deleted {
			post["delete_at"] = p.updateAt()
		}
		posts[p.ID] = post
	}
	json.NewEncoder(w).Encode(map[string]any{"order": order, "posts": posts})
}

// take walks from index i in direction dir, leaving out deleted posts,
// shuffles each millisecond, and returns page number page of size per.
func (s *StandIn) take(i, dir, page, per int) []StandInPost {
	want := (page + 1) * per
	var out []StandInPost
	for i >= 0 && i < len(s.posts) && len(out) < want {
		group := []StandInPost{}
		at := s.posts[i].CreateAt
		for ; i >= 0 && i < len(s.posts) && s.posts[i].CreateAt == at; i += dir {
			if !s.posts[i].Deleted {
				group = append(group, s.posts[i])
			}
		}
		s.rng.Shuffle(len(group), func(a, b int) { group[a], group[b] = group[b], group[a] })
		out = append(out, group...)
	}
	lo := min(page*per, len(out))
	return out[lo:min(lo+per, len(out))]
}

// createAt is the cursor post's CreateAt; an unknown post is a NULL that
// nothing compares with.
func (s *StandIn) createAt(id string) (int64, bool) {
	for i := len(s.posts) - 1; i >= 0; i-- {
		if s.posts[i].ID == id {
			return s.posts[i].CreateAt, true
		}
	}
	return 0, false
}
