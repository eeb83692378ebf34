package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/integrations/mattermost"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// The real-Mattermost benchmark is three commands: one holds a server with a
// channel of WARROOM_HOLD_POSTS posts (written 16 at a time) and writes
// where it is to WARROOM_HOLD_FILE; then farm-bench times a whole archive
// (TestArchiveHeldChannel) against one plain Client4 paging pass at the
// same page size (TestPlainPassHeldChannel), each a process of its own:
//
//	go test -c -o /tmp/warroom.test ./cmd/warroom/
//	WARROOM_HOLD_POSTS=20000 WARROOM_HOLD_FILE=/tmp/held /tmp/warroom.test -test.run '^TestHoldMattermostChannel$' -test.timeout 2h &
//	farm-bench -n 5 --timeout 600 --vs "env WARROOM_HELD=/tmp/held /tmp/warroom.test -test.run ^TestPlainPassHeldChannel$" -- \
//	    env WARROOM_HELD=/tmp/held /tmp/warroom.test -test.run '^TestArchiveHeldChannel$'
//	(and the same with ^TestPlainBeforePassHeldChannel$ as B)
//	touch /tmp/held.stop

// TestHoldMattermostChannel is not a test: it holds the benchmark's server.
func TestHoldMattermostChannel(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WARROOM_HOLD_POSTS"))
	file := os.Getenv("WARROOM_HOLD_FILE")
	if n == 0 || file == "" {
		t.Skip("holds a Mattermost channel for the archive benchmark: set WARROOM_HOLD_POSTS and WARROOM_HOLD_FILE")
	}
	mm := mmtest.Start(t)
	var ch struct{ ID string }
	if code := mm.Do(t, mm.AdminToken, http.MethodPost, "/api/v4/channels",
		map[string]any{"team_id": mm.TeamID, "name": "bench", "display_name": "bench", "type": "O"}, &ch); code != http.StatusCreated {
		t.Fatalf("create channel: %d", code)
	}
	for _, uid := range []string{mm.User.ID, mm.BotUserID} {
		mm.Do(t, mm.AdminToken, http.MethodPost, "/api/v4/channels/"+ch.ID+"/members", map[string]string{"user_id": uid}, nil)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := model.NewAPIv4Client(mm.URL)
			c.SetToken(mm.User.Token)
			for i := w; i < n; i += 16 {
				if _, _, err := c.CreatePost(context.Background(), &model.Post{ChannelId: ch.ID, Message: fmt.Sprintf("post %d: the replica is still behind, checking again", i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d posts written in %s", n, time.Since(start))
	if err := os.WriteFile(file, []byte(strings.Join([]string{mm.URL, mm.BotToken, mm.TeamName, ch.ID, strconv.Itoa(n)}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(2 * time.Hour); time.Now().Before(deadline); time.Sleep(time.Second) {
		if _, err := os.Stat(file + ".stop"); err == nil {
			return
		}
	}
}

type heldChannel struct {
	url, token, team, channel string
	posts                     int
}

func held(t *testing.T) heldChannel {
	file := os.Getenv("WARROOM_HELD")
	if file == "" {
		t.Skip("a benchmark command: set WARROOM_HELD to TestHoldMattermostChannel's file")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(string(b), "\n")
	n, _ := strconv.Atoi(f[4])
	return heldChannel{url: f[0], token: f[1], team: f[2], channel: f[3], posts: n}
}

// TestPlainPassHeldChannel is the yardstick: one plain Client4 pass over
// the held channel, 200 posts a page, as a client would read it.
func TestPlainPassHeldChannel(t *testing.T) {
	h := held(t)
	c := model.NewAPIv4Client(h.url)
	c.SetToken(h.token)
	seen := 0
	for page := 0; ; page++ {
		list, _, err := c.GetPostsForChannel(context.Background(), h.channel, page, 200, "", false, false)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(list.Order)
		if len(list.Order) < 200 {
			break
		}
	}
	t.Logf("plain pass: %d posts; peak RSS %d MB", seen, vmHWM(t)>>20)
}

// TestPlainBeforePassHeldChannel is the other yardstick: one plain Client4
// pass with the before= cursor (GetPostsBefore from the oldest post of each
// page), 200 posts a page: the same server query warroom's walk uses, but
// blind to ties, so it loses posts.
func TestPlainBeforePassHeldChannel(t *testing.T) {
	h := held(t)
	c := model.NewAPIv4Client(h.url)
	c.SetToken(h.token)
	seen := 0
	list, _, err := c.GetPostsForChannel(context.Background(), h.channel, 0, 200, "", false, false)
	for err == nil {
		seen += len(list.Order)
		if len(list.Order) < 200 {
			break
		}
		list, _, err = c.GetPostsBefore(context.Background(), h.channel, list.Order[len(list.Order)-1], 0, 200, "", false, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plain before= pass: %d posts (of %d); peak RSS %d MB", seen, h.posts, vmHWM(t)>>20)
}

// TestArchiveHeldChannel archives the held channel as warroom does (read,
// render, check against total_msg_count, store in SQLite, put on the
// builtin ticket, verify), short of deleting it.
func TestArchiveHeldChannel(t *testing.T) {
	h := held(t)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.DiscardHandler)
	mm, err := mattermost.New(mattermost.Config{URL: h.url, Token: h.token, Team: h.team}, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	local := builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
	now := time.Now().UTC()
	inc := &incident.Incident{Title: "bench", Severity: incident.SeverityHigh, Status: incident.StatusClosed, Source: "api",
		CreatedAt: now, UpdatedAt: now, ClosedAt: &now, Channel: incident.ChannelRef{Backend: "mattermost", ID: h.channel, Name: "bench"}}
	if err := db.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	if inc.Ticket, err = local.OpenTicket(ctx, inc); err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx incident.Tx) error { return tx.UpdateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	reg := jobRegistry{}
	archive.New(db, mm, local, noLifecycle{incident.NewService(incident.Deps{Store: db})}, incident.SystemClock{}, log, archive.Options{}).Register(reg)
	start := time.Now()
	for _, k := range []incident.JobKind{incident.JobBuildTranscript, incident.JobStoreTranscript} {
		if err := reg[k](ctx, incident.Job{Kind: k, IncidentID: inc.ID}); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	rec, err := db.RecordedCount(ctx, inc.ID)
	if err != nil || rec == nil {
		t.Fatalf("no recorded count: %v", err)
	}
	t.Logf("archive: %d messages (%d counted) in %s; check: %s; peak RSS %d MB", rec.Archived, rec.Walk.Counted, time.Since(start).Round(time.Millisecond), rec, vmHWM(t)>>20)
	if rec.Walk.Counted != h.posts {
		t.Fatalf("%d posts in the transcript, want %d", rec.Walk.Counted, h.posts)
	}
}
