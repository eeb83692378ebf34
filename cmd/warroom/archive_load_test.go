package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/integrations/mattermost"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// TestMattermostStandInProcess is not a test: run with WARROOM_STANDIN_POSTS
// it serves the Mattermost post API stand-in over that many posts (16 to a
// millisecond) and prints its URL, until stdin closes. The load run below
// starts it as a child process so that its memory is not measured.
func TestMattermostStandInProcess(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WARROOM_STANDIN_POSTS"))
	if n == 0 {
		t.Skip("the stand-in process for TestArchiveLoad")
	}
	s := mmtest.NewStandIn(t, n, 16)
	fmt.Println("STANDIN", s.URL)
	io.Copy(io.Discard, os.Stdin)
}

// hashTickets is a ticket system that hashes what it is sent and keeps
// only the digest, so that a load run measures warroom, not a store.
type hashTickets struct{ sums map[string]string }

func (h *hashTickets) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, rc); err != nil {
		return err
	}
	h.sums[d.Name] = hex.EncodeToString(sum.Sum(nil))
	return nil
}

func (h *hashTickets) HasDocument(ctx context.Context, t incident.TicketRef, d archive.Document) (bool, error) {
	return h.sums[d.Name] == d.SHA256, nil
}

// heapChat samples the live heap while the history is read.
type heapChat struct {
	archive.Chat
	every  int
	sample []uint64
}

func (c *heapChat) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) (archive.Tally, error) {
	n := 0
	return c.Chat.History(ctx, ch, func(m archive.Message) error {
		if n++; n%c.every == 0 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			c.sample = append(c.sample, ms.HeapAlloc)
		}
		return fn(m)
	})
}

// noLifecycle is the incident Service, which writes the archive's events,
// with MarkArchived left out: these tests stop at the archive.
type noLifecycle struct{ *incident.Service }

func (noLifecycle) MarkArchived(ctx context.Context, id int64, how string) error { return nil }

type jobRegistry map[incident.JobKind]incident.JobHandler

func (r jobRegistry) Handle(k incident.JobKind, h incident.JobHandler) { r[k] = h }

// TestArchiveLoad archives a channel of WARROOM_LOAD_POSTS posts (say
// 50000) from the Mattermost stand-in, through the whole archive: read,
// render, check, store in SQLite, upload (WARROOM_LOAD_TICKETS=builtin for
// the builtin ticket, else a hashing stand-in), verify, delete. It reports
// the time, the live heap while reading and the process's peak RSS
// (VmHWM), and fails over 150 MB. Run by hand:
//
//	go test -c -o /tmp/warroom.test ./cmd/warroom/
//	WARROOM_LOAD_POSTS=50000 /tmp/warroom.test -test.run '^TestArchiveLoad$' -test.v
func TestArchiveLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("WARROOM_LOAD_POSTS"))
	if n == 0 {
		t.Skip("a load run: set WARROOM_LOAD_POSTS")
	}
	child := exec.Command(os.Args[0], "-test.run", "^TestMattermostStandInProcess$")
	child.Env = append(os.Environ(), "WARROOM_STANDIN_POSTS="+strconv.Itoa(n))
	stdin, _ := child.StdinPipe()
	out, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); child.Wait() }()
	var url string
	for sc := bufio.NewScanner(out); sc.Scan(); {
		if rest, ok := strings.CutPrefix(sc.Text(), "STANDIN "); ok {
			url = rest
			break
		}
	}
	if url == "" {
		t.Fatal("the stand-in did not start")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.DiscardHandler)
	mm, err := mattermost.New(mattermost.Config{URL: url, Token: "t", Team: "ops", Delete: "permanent"}, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	var tickets archive.Tickets = &hashTickets{sums: map[string]string{}}
	var local *builtin.Backend
	if os.Getenv("WARROOM_LOAD_TICKETS") == "builtin" {
		local = builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
		tickets = local
	}
	chat := &heapChat{Chat: mm, every: max(n/5, 1)}
	now := time.Now().UTC()
	inc := &incident.Incident{Title: "load", Severity: incident.SeverityHigh, Status: incident.StatusClosed, Source: "api",
		CreatedAt: now, UpdatedAt: now, ClosedAt: &now, Channel: incident.ChannelRef{Backend: "mattermost", ID: "c1", Name: "load"},
		Ticket: incident.TicketRef{Backend: "builtin", Key: "INC-1"}}
	if err := db.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	if local != nil {
		if _, err := local.OpenTicket(ctx, inc); err != nil {
			t.Fatal(err)
		}
	}
	reg := jobRegistry{}
	archive.New(db, chat, tickets, noLifecycle{incident.NewService(incident.Deps{Store: db})}, incident.SystemClock{}, log, archive.Options{}).Register(reg)
	start := time.Now()
	for _, k := range []incident.JobKind{incident.JobBuildTranscript, incident.JobStoreTranscript, incident.JobDeleteChannel} {
		if err := reg[k](ctx, incident.Job{Kind: k, IncidentID: inc.ID}); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	took := time.Since(start)
	docs, err := db.Documents(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := db.RecordedCount(ctx, inc.ID)
	hwm := vmHWM(t)
	t.Logf("%d posts archived in %s; %d bytes of Markdown, %d bytes of JSON; check: %s", rec.Archived, took.Round(time.Millisecond), docs[0].Size, docs[1].Size, rec)
	t.Logf("live heap while reading (every %d posts): %v bytes; peak RSS (VmHWM) %d MB", chat.every, chat.sample, hwm>>20)
	if rec.Archived != n {
		t.Errorf("%d posts archived, want %d", rec.Archived, n)
	}
	if hwm > 150<<20 {
		t.Errorf("peak RSS %d MB, over 150 MB", hwm>>20)
	}
	if len(chat.sample) > 1 {
		if grow := int64(chat.sample[len(chat.sample)-1]) - int64(chat.sample[0]); grow > 4<<20 {
			t.Errorf("live heap grew by %d bytes while reading: not flat in the channel's size", grow)
		}
	}
}

// vmHWM is the process's peak resident set size in bytes.
func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
