package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/archive/export"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/mattermost"
)

// TestExportLoadPrep is not a test: with WARROOM_EXPORT_DB and
// WARROOM_LOAD_POSTS it archives a channel of that many posts from the
// Mattermost stand-in (as TestArchiveLoad does) into the SQLite database
// at WARROOM_EXPORT_DB, for TestExportLoad to export.
func TestExportLoadPrep(t *testing.T) {
	path, n := os.Getenv("WARROOM_EXPORT_DB"), os.Getenv("WARROOM_LOAD_POSTS")
	if path == "" || n == "" {
		t.Skip("a load run's preparation: set WARROOM_EXPORT_DB and WARROOM_LOAD_POSTS")
	}
	child := exec.Command(os.Args[0], "-test.run", "^TestMattermostStandInProcess$")
	child.Env = append(os.Environ(), "WARROOM_STANDIN_POSTS="+n)
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
	db, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.DiscardHandler)
	mm, err := mattermost.New(mattermost.Config{URL: url, Token: "t", Team: "ops", Delete: "permanent"}, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	inc := &incident.Incident{Title: "load", Severity: incident.SeverityHigh, Status: incident.StatusClosed, Source: "api",
		CreatedAt: now, UpdatedAt: now, ClosedAt: &now, Channel: incident.ChannelRef{Backend: "mattermost", ID: "c1", Name: "load"},
		Ticket: incident.TicketRef{Backend: "jira", Key: "OPS-1"}}
	if err := db.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	reg := jobRegistry{}
	archive.New(db, mm, &hashTickets{sums: map[string]string{}}, noLifecycle{incident.NewService(incident.Deps{Store: db})},
		incident.SystemClock{}, log, archive.Options{}).Register(reg)
	for _, k := range []incident.JobKind{incident.JobBuildTranscript, incident.JobStoreTranscript} {
		if err := reg[k](ctx, incident.Job{Kind: k, IncidentID: inc.ID}); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	docs, _ := db.Documents(ctx, inc.ID)
	for _, d := range docs {
		t.Logf("%s: %d bytes", d.Name, d.Size)
	}
}

// TestExportLoad exports the incident TestExportLoadPrep archived in
// WARROOM_EXPORT_DB as WARROOM_EXPORT_FORMAT (html, zip, or read: the
// floor, which only reads the stored JSON transcript message by message)
// to a discarding writer, straight from the store as the handler does, and
// reports the bytes written, the time, the live heap every MiB of transcript read
// and the process's peak RSS. Run by hand (docs/benchmarks.md):
//
//	go test -c -o /tmp/warroom.test ./cmd/warroom/
//	WARROOM_EXPORT_DB=/tmp/export.db WARROOM_LOAD_POSTS=20000 /tmp/warroom.test -test.run '^TestExportLoadPrep$'
//	WARROOM_EXPORT_DB=/tmp/export.db WARROOM_EXPORT_FORMAT=html /tmp/warroom.test -test.run '^TestExportLoad$' -test.v
func TestExportLoad(t *testing.T) {
	path, format := os.Getenv("WARROOM_EXPORT_DB"), os.Getenv("WARROOM_EXPORT_FORMAT")
	if path == "" || format == "" {
		t.Skip("a load run: set WARROOM_EXPORT_DB (made by TestExportLoadPrep) and WARROOM_EXPORT_FORMAT")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inc, err := db.Incident(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	events, err := db.Events(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := db.Transcripts(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var heap []uint64
	sample := func() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = append(heap, ms.HeapAlloc)
	}
	for i := range docs {
		if docs[i].Format == "json" {
			open := docs[i].Open
			docs[i].Open = func(ctx context.Context) (io.ReadCloser, error) {
				rc, err := open(ctx)
				return &sampledReader{ReadCloser: rc, sample: sample, every: 1 << 20}, err
			}
		}
	}
	rec := export.Record{Incident: inc, Events: events, Docs: docs, At: time.Now()}
	w := &countingWriter{}
	start := time.Now()
	switch format {
	case "html":
		err = export.WriteHTML(ctx, w, rec, export.Standard(), export.Options{})
	case "zip":
		err = export.WriteZip(ctx, w, rec, export.Standard())
	case "read":
		for _, d := range docs {
			if d.Format != "json" {
				continue
			}
			rc, oerr := d.Open(ctx)
			if oerr != nil {
				t.Fatal(oerr)
			}
			n := 0
			err = archive.EachMessage(io.TeeReader(rc, w), func(m archive.Message) error { n++; return nil })
			rc.Close()
		}
	default:
		t.Fatalf("WARROOM_EXPORT_FORMAT=%q: use html, zip or read", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	hwm := vmHWM(t)
	t.Logf("%s: %d bytes in %s; live heap every MiB of transcript read: %v bytes; peak RSS (VmHWM) %d MB",
		format, w.n, took.Round(time.Millisecond), heap, hwm>>20)
	if len(heap) > 1 {
		if grow := int64(heap[len(heap)-1]) - int64(heap[0]); grow > 8<<20 {
			t.Errorf("live heap grew by %d bytes while exporting: not flat in the transcript's size", grow)
		}
	}
}

// sampledReader calls sample every so many bytes read.
type sampledReader struct {
	io.ReadCloser
	sample      func()
	every, read int
}

func (r *sampledReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if r.read/r.every != (r.read+n)/r.every {
		r.sample()
	}
	r.read += n
	return n, err
}

// countingWriter throws away what it is given and counts it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
