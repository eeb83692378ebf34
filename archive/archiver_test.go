package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// fakeChat is a hand-written chat backend: a list of messages and the
// count the server claims, which a test may set apart from the list.
type fakeChat struct {
	msgs    []archive.Message
	claim   int // the server's count; -1 means len(msgs)
	deleted int
}

func (c *fakeChat) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) (archive.Tally, error) {
	var t archive.Tally
	for _, m := range c.msgs {
		if err := fn(m); err != nil {
			return t, err
		}
		t.Messages, t.Counted, t.LastID, t.LastAt = t.Messages+1, t.Counted+1, m.ID, m.At
	}
	return t, nil
}

func (c *fakeChat) Count(ctx context.Context, ch incident.ChannelRef, t archive.Tally) (archive.Count, error) {
	if c.deleted > 0 {
		return archive.Count{}, incident.Errorf(incident.KindNotFound, "gone")
	}
	server := c.claim
	if server < 0 {
		server = len(c.msgs)
	}
	return archive.Count{Server: server, Accounted: t.Counted, Basis: "fake count"}, nil
}

func (c *fakeChat) DeleteChannel(ctx context.Context, ch incident.ChannelRef) (string, error) {
	c.deleted++
	return "deleted", nil
}

// fakeTickets keeps documents in memory, read from their streams.
type fakeTickets struct{ docs map[string][]byte }

func (f *fakeTickets) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	f.docs[d.Name] = b
	return err
}

func (f *fakeTickets) HasDocument(ctx context.Context, t incident.TicketRef, d archive.Document) (bool, error) {
	b, ok := f.docs[d.Name]
	return ok && archive.Digest(b) == d.SHA256 && int64(len(b)) == d.Size, nil
}

// lifecycle is the real incident Service, which writes the archive's
// events, with MarkArchived counted instead of run.
type lifecycle struct {
	*incident.Service
	archived int
}

func newLifecycle(db *sqlite.DB) *lifecycle {
	return &lifecycle{Service: incident.NewService(incident.Deps{Store: db})}
}

func (l *lifecycle) MarkArchived(ctx context.Context, id int64, how string) error {
	l.archived++
	return nil
}

type registry map[incident.JobKind]incident.JobHandler

func (r registry) Handle(k incident.JobKind, h incident.JobHandler) { r[k] = h }

// setup makes a closed incident with a channel and a ticket in a real store.
func setup(t *testing.T) (*sqlite.DB, *incident.Incident) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now().UTC()
	inc := &incident.Incident{Title: "db down", Severity: incident.SeverityHigh, Status: incident.StatusClosed, Source: "api",
		CreatedAt: now, UpdatedAt: now, ClosedAt: &now, Channel: incident.ChannelRef{Backend: "fake", ID: "c1", Name: "inc-1"},
		Ticket: incident.TicketRef{Backend: "fake", Key: "T-1"}}
	if err := db.Update(context.Background(), func(tx incident.Tx) error { return tx.CreateIncident(context.Background(), inc) }); err != nil {
		t.Fatal(err)
	}
	return db, inc
}

func messages(n int) []archive.Message {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	out := make([]archive.Message, n)
	for i := range out {
		out[i] = archive.Message{ID: fmt.Sprintf("m%d", i), Author: "alice", Text: fmt.Sprintf("line %d", i), At: at.Add(time.Duration(i/16) * time.Millisecond)}
	}
	return out
}

func kinds(t *testing.T, db *sqlite.DB, id int64, kind incident.EventKind) []incident.Event {
	evs, err := db.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []incident.Event
	for _, e := range evs {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// TestIncompleteTranscriptIsARetriedVisibleFailure: a transcript short of
// the server's count is not saved; the job fails with the numbers, the
// timeline says so, and no step towards deleting the channel is queued.
// Once the numbers agree the transcript is saved with the count it was
// checked against.
func TestIncompleteTranscriptIsARetriedVisibleFailure(t *testing.T) {
	ctx := context.Background()
	db, inc := setup(t)
	chat := &fakeChat{msgs: messages(100), claim: 103}
	reg := registry{}
	archive.New(db, chat, &fakeTickets{docs: map[string][]byte{}}, newLifecycle(db), incident.SystemClock{}, slog.New(slog.DiscardHandler), archive.Options{}).Register(reg)
	job := incident.Job{Kind: incident.JobBuildTranscript, IncidentID: inc.ID}

	err := reg[incident.JobBuildTranscript](ctx, job)
	if incident.ErrorKind(err) != incident.KindTransient || !strings.Contains(err.Error(), "100 messages archived; the chat server counts 103") {
		t.Fatalf("build of a short transcript: %v, want a transient error naming 100 and 103", err)
	}
	if evs := kinds(t, db, inc.ID, incident.EventIncomplete); len(evs) != 1 || !strings.Contains(evs[0].Text, "counts 103") {
		t.Errorf("timeline: %+v, want one archive_incomplete naming the numbers", evs)
	}
	if docs, _ := db.Documents(ctx, inc.ID); len(docs) != 0 {
		t.Errorf("an incomplete transcript was saved: %d documents", len(docs))
	}
	if jobs, _ := db.Jobs(ctx, inc.ID, incident.JobPending); len(jobs) != 0 {
		t.Errorf("jobs queued after an incomplete build: %+v", jobs)
	}

	chat.claim = -1
	if err := reg[incident.JobBuildTranscript](ctx, job); err != nil {
		t.Fatal(err)
	}
	docs, err := db.Transcripts(ctx, inc.ID)
	if err != nil || len(docs) != 2 {
		t.Fatalf("documents %d, %v", len(docs), err)
	}
	for _, d := range docs {
		if b := content(t, d); archive.Digest(b) != d.SHA256 || int64(len(b)) != d.Size {
			t.Errorf("%s: stored digest or size does not match its content", d.Name)
		}
	}
	if !bytes.Contains(content(t, docs[0]), []byte("100 messages, checked against the chat server's own count: 100 (fake count)")) ||
		!bytes.Contains(content(t, docs[1]), []byte(`"completeness":{"archived":100,"server":100,"accounted":100`)) {
		t.Errorf("the transcript does not record the count it was checked against:\n%s", content(t, docs[0])[len(content(t, docs[0]))-300:])
	}
	if rec, err := db.RecordedCount(ctx, inc.ID); err != nil || rec == nil || rec.Server != 100 || rec.Walk.Messages != 100 {
		t.Errorf("recorded count %+v, %v", rec, err)
	}
}

func TestCountComplete(t *testing.T) {
	for _, tt := range []struct {
		c    archive.Count
		want bool
	}{
		{archive.Count{Server: 10, Accounted: 10}, true},
		{archive.Count{Server: 10, Accounted: 11}, false},
		{archive.Count{Server: 11, Accounted: 10}, false},
		{archive.Count{Server: 10, Accounted: 11, Floor: true}, true}, // the server fell behind
		{archive.Count{Server: 11, Accounted: 10, Floor: true}, false},
		{archive.Count{Server: 10, Accounted: 10, Newer: 1}, false},
		{archive.Count{Server: 10, Accounted: 10, Newer: 1, Floor: true}, false},
		{archive.Count{Server: 13, Accounted: 10, Floor: true, Accepted: 3}, true}, // an operator accepted 3
		{archive.Count{Server: 13, Accounted: 10, Floor: true, Accepted: 2}, false},
		{archive.Count{Server: 13, Accounted: 10, Accepted: 3, Newer: 1}, false},
		{archive.Count{Server: 10, Accounted: 11, Accepted: 5}, false},
	} {
		if got := tt.c.Complete(); got != tt.want {
			t.Errorf("%+v: complete %v, want %v", tt.c, got, tt.want)
		}
	}
}

// TestChannelChangedBeforeDeleteRebuilds: a message that arrives after the
// transcript was verified keeps the channel and builds the transcript again.
func TestChannelChangedBeforeDeleteRebuilds(t *testing.T) {
	ctx := context.Background()
	db, inc := setup(t)
	chat := &fakeChat{msgs: messages(40), claim: -1}
	tickets := &fakeTickets{docs: map[string][]byte{}}
	life := newLifecycle(db)
	reg := registry{}
	archive.New(db, chat, tickets, life, incident.SystemClock{}, slog.New(slog.DiscardHandler), archive.Options{}).Register(reg)
	run := func(kind incident.JobKind, payload string) {
		t.Helper()
		j := incident.Job{Kind: kind, IncidentID: inc.ID}
		if payload != "" {
			j.Payload = []byte(payload)
		}
		if err := reg[kind](ctx, j); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	run(incident.JobBuildTranscript, "")
	run(incident.JobStoreTranscript, "")
	chat.msgs = append(chat.msgs, archive.Message{ID: "late", Author: "bob", Text: "one more thing", At: time.Now()})
	run(incident.JobDeleteChannel, "")
	if chat.deleted != 0 || life.archived != 0 {
		t.Fatal("the channel was deleted although it changed after its transcript")
	}
	pending, _ := db.Jobs(ctx, inc.ID, incident.JobPending)
	var rebuild *incident.Job
	for i, j := range pending {
		if j.Kind == incident.JobBuildTranscript {
			rebuild = &pending[i]
		}
	}
	if rebuild == nil || len(kinds(t, db, inc.ID, incident.EventIncomplete)) != 1 {
		t.Fatalf("no rebuild queued or no timeline entry: %+v", pending)
	}
	run(incident.JobBuildTranscript, string(rebuild.Payload))
	run(incident.JobStoreTranscript, string(rebuild.Payload))
	run(incident.JobDeleteChannel, string(rebuild.Payload))
	docs, _ := db.Transcripts(ctx, inc.ID)
	if chat.deleted != 1 || life.archived != 1 || !bytes.Contains(content(t, docs[0]), []byte("one more thing")) {
		t.Fatalf("after the rebuild: deleted %d, archived %d", chat.deleted, life.archived)
	}
	// A crash after the delete: the channel is gone, which needs no check.
	run(incident.JobDeleteChannel, string(rebuild.Payload))
}

// content reads a stored document whole, through its stream.
func content(t *testing.T, d archive.Stored) []byte {
	t.Helper()
	rc, err := d.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAcceptedShortfallIsAuditedAndBounded: a walk short of the server's
// count fails until an operator accepts the shortfall on the timeline; an
// acceptance smaller than the shortfall does not let it pass; the
// transcript and the check before the delete name who accepted what.
func TestAcceptedShortfallIsAuditedAndBounded(t *testing.T) {
	ctx := context.Background()
	db, inc := setup(t)
	chat := &fakeChat{msgs: messages(50), claim: 53}
	reg := registry{}
	archive.New(db, chat, &fakeTickets{docs: map[string][]byte{}}, newLifecycle(db), incident.SystemClock{}, slog.New(slog.DiscardHandler), archive.Options{}).Register(reg)
	job := incident.Job{Kind: incident.JobBuildTranscript, IncidentID: inc.ID}
	for _, bad := range []struct {
		n          int
		by, reason string
	}{{0, "bob", "deleted"}, {3, " ", "deleted"}, {3, "bob", ""}} {
		if err := archive.AcceptUncounted(ctx, db, newLifecycle(db), inc, bad.n, bad.by, bad.reason, time.Now()); incident.ErrorKind(err) != incident.KindInvalid {
			t.Errorf("accept %+v: %v, want an invalid-input error", bad, err)
		}
	}
	if err := archive.AcceptUncounted(ctx, db, newLifecycle(db), inc, 2, "bob", "posts deleted in Mattermost", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := reg[incident.JobBuildTranscript](ctx, job); incident.ErrorKind(err) != incident.KindTransient || !strings.Contains(err.Error(), "bob accepted up to 2 uncounted, 3 short") {
		t.Fatalf("build with too small an acceptance: %v", err)
	}
	for range 2 { // the same acceptance twice is one event
		if err := archive.AcceptUncounted(ctx, db, newLifecycle(db), inc, 3, "bob", "posts deleted in Mattermost", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if evs := kinds(t, db, inc.ID, archive.EventUncountedAccepted); len(evs) != 2 || evs[1].Actor != "bob" || !strings.Contains(evs[1].Text, "up to 3") {
		t.Fatalf("timeline: %+v, want the two acceptances, signed", evs)
	}
	if err := reg[incident.JobBuildTranscript](ctx, job); err != nil {
		t.Fatalf("build with the shortfall accepted: %v", err)
	}
	docs, _ := db.Documents(ctx, inc.ID)
	if md := content(t, docs[0]); !bytes.Contains(md, []byte("accounted for 50; 3 short, accepted by bob (up to 3")) {
		t.Errorf("the transcript does not say who accepted the shortfall:\n%s", md[max(0, len(md)-400):])
	}
	if rec, _ := db.RecordedCount(ctx, inc.ID); rec == nil || rec.Accepted != 3 || rec.AcceptedBy != "bob" {
		t.Errorf("recorded count %+v", rec)
	}
}
