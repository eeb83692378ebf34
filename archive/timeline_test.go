package archive_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// failingLifecycle is the real Service, except that recording one kind of
// event fails, as a broken store statement would.
type failingLifecycle struct {
	*lifecycle
	kind incident.EventKind
}

var errRecord = errors.New("record refused")

func (f *failingLifecycle) RecordArchiveEvent(ctx context.Context, tx incident.ArchiveTx, ev incident.Event) error {
	if ev.Kind == f.kind {
		return errRecord
	}
	return f.lifecycle.RecordArchiveEvent(ctx, tx, ev)
}

// TestArchiveStepsCommitWithTheirEvents: the archive's events are written
// by the Service inside the archive's own transaction, so a step and its
// event commit together or not at all. A build whose transcript_built event
// fails saves no transcript, no count and no next job; a store whose
// archive_verified event fails queues no deletion of the channel (the
// placements, recorded as each document is verified, stay). Run again with
// the Service working, each step commits whole.
func TestArchiveStepsCommitWithTheirEvents(t *testing.T) {
	ctx := context.Background()
	db, inc := setup(t)
	chat := &fakeChat{msgs: messages(30), claim: -1}
	tickets := &fakeTickets{docs: map[string][]byte{}}
	life := newLifecycle(db)
	steps := func(l archive.Lifecycle) registry {
		reg := registry{}
		archive.New(db, chat, tickets, l, incident.SystemClock{}, slog.New(slog.DiscardHandler), archive.Options{}).Register(reg)
		return reg
	}
	pending := func() []incident.JobKind {
		t.Helper()
		jobs, err := db.Jobs(ctx, inc.ID, incident.JobPending)
		if err != nil {
			t.Fatal(err)
		}
		var out []incident.JobKind
		for _, j := range jobs {
			out = append(out, j.Kind)
		}
		return out
	}
	build := incident.Job{Kind: incident.JobBuildTranscript, IncidentID: inc.ID}
	store := incident.Job{Kind: incident.JobStoreTranscript, IncidentID: inc.ID}

	broken := steps(&failingLifecycle{lifecycle: life, kind: incident.EventTranscriptBuilt})
	if err := broken[incident.JobBuildTranscript](ctx, build); !errors.Is(err, errRecord) {
		t.Fatalf("build with its event refused: %v, want the refusal", err)
	}
	if docs, _ := db.Documents(ctx, inc.ID); len(docs) != 0 {
		t.Errorf("%d documents saved without their transcript_built event", len(docs))
	}
	if rec, _ := db.RecordedCount(ctx, inc.ID); rec != nil {
		t.Errorf("count recorded without its event: %+v", rec)
	}
	if p := pending(); len(p) != 0 {
		t.Errorf("jobs queued without the event: %v", p)
	}

	working := steps(life)
	if err := working[incident.JobBuildTranscript](ctx, build); err != nil {
		t.Fatal(err)
	}
	docs, _ := db.Documents(ctx, inc.ID)
	if len(docs) != 2 || len(kinds(t, db, inc.ID, incident.EventTranscriptBuilt)) != 1 {
		t.Fatalf("after the build: %d documents, events %+v", len(docs), kinds(t, db, inc.ID, incident.EventTranscriptBuilt))
	}
	if p := pending(); len(p) != 2 || p[0] != incident.JobStoreTranscript || p[1] != incident.JobDraftPostmortem {
		t.Fatalf("after the build, pending %v, want the store job and the postmortem's draft", p)
	}

	broken = steps(&failingLifecycle{lifecycle: life, kind: incident.EventArchived})
	if err := broken[incident.JobStoreTranscript](ctx, store); !errors.Is(err, errRecord) {
		t.Fatalf("store with its event refused: %v, want the refusal", err)
	}
	for _, k := range pending() {
		if k == incident.JobDeleteChannel {
			t.Fatal("the channel's deletion was queued without the archive_verified event")
		}
	}
	docs, _ = db.Documents(ctx, inc.ID)
	for _, d := range docs {
		if d.Placement != archive.PlacementTicket || d.VerifiedAt == nil {
			t.Errorf("%s: placement %q, want it recorded in the ticket as it was verified", d.Name, d.Placement)
		}
	}
	if err := working[incident.JobStoreTranscript](ctx, store); err != nil {
		t.Fatal(err)
	}
	deletes := 0
	for _, k := range pending() {
		if k == incident.JobDeleteChannel {
			deletes++
		}
	}
	if deletes != 1 || len(kinds(t, db, inc.ID, incident.EventArchived)) != 1 {
		t.Fatalf("after the store: %d delete jobs, %d archive_verified events; want one each", deletes, len(kinds(t, db, inc.ID, incident.EventArchived)))
	}
}

// TestArchiveEventNeedsTheArchiveTransaction: the Service refuses an event
// handed to it outside a store's transaction (the zero ArchiveTx), instead
// of writing it somewhere else or panicking.
func TestArchiveEventNeedsTheArchiveTransaction(t *testing.T) {
	db, inc := setup(t)
	err := newLifecycle(db).RecordArchiveEvent(context.Background(), incident.ArchiveTx{},
		incident.Event{IncidentID: inc.ID, Kind: incident.EventTranscriptBuilt, Actor: "warroom", Text: "x"})
	if incident.ErrorKind(err) != incident.KindInternal {
		t.Fatalf("event without a transaction: %v, want an internal error", err)
	}
	if evs := kinds(t, db, inc.ID, incident.EventTranscriptBuilt); len(evs) != 0 {
		t.Fatalf("event written without a transaction: %+v", evs)
	}
}
