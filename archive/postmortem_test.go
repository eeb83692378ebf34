package archive_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/templates"
)

// stepClock is a fake clock a test moves by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// attachingTickets keeps every attachment as a ticket system with
// attachments does (a second store of one name is a second attachment),
// and can lose the answer to a store that landed: the failure a retry
// must not turn into a second attachment.
type attachingTickets struct {
	attachments []attachment
	loseAnswers int // stores whose answer is lost after they landed
}

type attachment struct {
	name string
	body []byte
}

func (f *attachingTickets) StoreDocument(ctx context.Context, t incident.TicketRef, d archive.Document) error {
	rc, err := d.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	f.attachments = append(f.attachments, attachment{d.Name, b})
	if f.loseAnswers > 0 {
		f.loseAnswers--
		return incident.Errorf(incident.KindTransient, "ticket system answered 502 after taking %s", d.Name)
	}
	return nil
}

func (f *attachingTickets) HasDocument(ctx context.Context, t incident.TicketRef, d archive.Document) (bool, error) {
	for _, a := range f.attachments {
		if a.name == d.Name && archive.Digest(a.body) == d.SHA256 && int64(len(a.body)) == d.Size {
			return true, nil
		}
	}
	return false, nil
}

func (f *attachingTickets) named(name string) []attachment {
	var out []attachment
	for _, a := range f.attachments {
		if a.name == name {
			out = append(out, a)
		}
	}
	return out
}

// TestPostmortemOfAScriptedIncident: an incident run by the Service on a
// fake clock (declared, paged, acked, severity raised, a status update, a
// pin, resolved, closed), then archived by the archive's jobs: the draft
// holds each of those at the time it happened, the durations, the
// participants with their roles and the graph posted; it is stored in the
// ticket and verified, and a store whose answer was lost is retried into
// one attachment, not two, with one comment.
func TestPostmortemOfAScriptedIncident(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	clock := &stepClock{t: t0}
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tmpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	svc := &lifecycle{Service: incident.NewService(incident.Deps{Store: db, Clock: clock, Renderer: tmpl})}

	step := func(min int, what string, fn func() error) {
		t.Helper()
		clock.set(at(min))
		if err := fn(); err != nil {
			t.Fatalf("%s at +%dm: %v", what, min, err)
		}
	}
	var inc *incident.Incident
	step(0, "declare", func() (err error) {
		inc, err = svc.Declare(ctx, incident.Declaration{Title: "checkout 500s", Severity: incident.SeverityHigh, Commander: "alice", Actor: "alice"})
		return err
	})
	step(0, "give it a channel and a ticket", func() error {
		return db.Update(ctx, func(tx incident.Tx) error {
			got, err := tx.Incident(ctx, inc.ID)
			if err != nil {
				return err
			}
			got.Channel = incident.ChannelRef{Backend: "fake", ID: "c1", Name: "inc-1"}
			got.Ticket = incident.TicketRef{Backend: "fake", Key: "OPS-1"}
			got.Roles = map[string]string{"comms": "bob"}
			return tx.UpdateIncident(ctx, got)
		})
	})
	step(1, "page", func() error { // as the escalation records a page
		return svc.Update(ctx, func(tx incident.Txn) error {
			cur, err := tx.Incident(ctx, inc.ID)
			if err != nil {
				return err
			}
			return tx.Record(ctx, cur, incident.Event{Kind: incident.EventPaged, Actor: "warroom", Text: "@carol (step 1 of policy default)", Ref: "page/1/carol"}, false)
		})
	})
	step(4, "ack", func() error { _, err := svc.Ack(ctx, inc.Key, "carol"); return err })
	step(6, "severity", func() error { _, err := svc.SetSeverity(ctx, inc.Key, "alice", incident.SeverityCritical); return err })
	step(10, "status update", func() error {
		_, err := svc.UpdateStatus(ctx, inc.Key, "alice", "rolled back the deploy, watching")
		return err
	})
	step(13, "pin", func() error {
		_, err := svc.Pin(ctx, "fake", "c1", "dave", incident.PinnedMessage{ID: "m2", Author: "erin", Text: "the cache is cold", At: at(12)})
		return err
	})
	step(30, "resolve", func() error { _, err := svc.Resolve(ctx, inc.Key, "alice", "cache warm again"); return err })
	step(40, "close", func() error { _, err := svc.Close(ctx, inc.Key, "alice", "fixed"); return err })

	chat := &fakeChat{claim: -1, msgs: []archive.Message{
		{ID: "m1", Author: "alice", Text: "looking", At: at(2)},
		{ID: "m2", Author: "erin", Text: "the cache is cold", At: at(12)},
		{ID: "m3", Author: "warroom", Bot: true, Text: "📈 error rate", At: at(5),
			Files: []archive.File{{Name: "error-rate.png", Type: "image/png", Size: 3, Data: []byte("png")}}},
	}}
	tickets := &attachingTickets{loseAnswers: 1}
	reg := registry{}
	archive.New(db, chat, tickets, svc, clock, slog.New(slog.DiscardHandler),
		archive.Options{Postmortem: tmpl, PublicURL: "http://warroom.test"}).Register(reg)
	run := func(min int, kind incident.JobKind, payload string) error {
		clock.set(at(min))
		j := incident.Job{Kind: kind, IncidentID: inc.ID}
		if payload != "" {
			j.Payload = []byte(payload)
		}
		return reg[kind](ctx, j)
	}
	if err := run(41, incident.JobBuildTranscript, ""); err != nil {
		t.Fatal(err)
	}
	if err := run(42, incident.JobDraftPostmortem, ""); err != nil {
		t.Fatal(err)
	}
	if err := run(42, incident.JobDraftPostmortem, ""); err != nil { // a retry after a crash
		t.Fatal(err)
	}
	revs, err := db.PostmortemRevisions(ctx, inc.ID)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions after the draft and its retry: %d, %v; want one", len(revs), err)
	}
	draft := revs[0]
	if draft.Author != "warroom" || !draft.At.Equal(at(42)) || draft.SHA256 != archive.Digest([]byte(draft.Body)) {
		t.Errorf("the draft: by %s at %v, sha256 %s", draft.Author, draft.At, draft.SHA256)
	}
	for _, want := range []string{
		"# Postmortem: INC-1 checkout 500s",
		"| Severity | critical (opened as high) |",
		"| Impact window | 2026-12-03 09:00:00 UTC to 2026-12-03 09:30:00 UTC (30m0s) |",
		"| Time to ack | 4m0s |",
		"| Time to resolve | 30m0s |",
		"| Commander | @alice |",
		"- 2026-12-03 09:06:00 UTC: high → critical by @alice",
		"- 2026-12-03 09:00:00 UTC **Declared** by @alice: checkout 500s",
		"- 2026-12-03 09:01:00 UTC **Paged**: @carol (step 1 of policy default)",
		"- 2026-12-03 09:04:00 UTC **Acknowledged** by @carol",
		"- 2026-12-03 09:06:00 UTC **Severity changed** by @alice: high → critical",
		"- 2026-12-03 09:10:00 UTC **Status update** by @alice: rolled back the deploy, watching",
		"- 2026-12-03 09:12:00 UTC **Pinned** by @dave: “the cache is cold” (erin)",
		"- 2026-12-03 09:30:00 UTC **Resolved** by @alice",
		"- 2026-12-03 09:40:00 UTC **Closed** by @alice",
		"- @alice (commander), 1 messages",
		"- @bob (comms)",
		"- @carol (paged, acked)",
		"- @erin, 1 messages",
		"[error-rate.png](http://warroom.test/incidents/INC-1/documents/INC-1-files/",
		"posted by @warroom at 2026-12-03 09:05:00 UTC",
		"## Contributing factors", "## Lessons learned",
	} {
		if !strings.Contains(draft.Body, want) {
			t.Errorf("the draft lacks %q:\n%s", want, draft.Body)
		}
	}

	// The ticket takes the draft but its answer is lost: the job fails
	// and is retried; the retry finds the attachment by its digest.
	if err := run(43, incident.JobStorePostmortem, `{"revision":1}`); incident.ErrorKind(err) != incident.KindTransient {
		t.Fatalf("store with a lost answer: %v, want a transient failure", err)
	}
	if pm, _ := db.Postmortem(ctx, inc.ID); pm.StoredRevision != 0 {
		t.Fatalf("recorded stored after a failed store: %+v", pm)
	}
	for range 2 {
		if err := run(44, incident.JobStorePostmortem, `{"revision":1}`); err != nil {
			t.Fatal(err)
		}
	}
	if got := tickets.named("INC-1-postmortem.md"); len(got) != 1 || string(got[0].body) != draft.Body {
		t.Fatalf("%d attachments of the postmortem, want exactly one with the draft", len(got))
	}
	pm, _ := db.Postmortem(ctx, inc.ID)
	if pm.StoredRevision != 1 || pm.StoredIn != "ticket" || pm.StoredAt == nil || !pm.StoredAt.Equal(at(44)) {
		t.Errorf("after the store: revision %d in %q at %v; want 1 in the ticket at +44m", pm.StoredRevision, pm.StoredIn, pm.StoredAt)
	}
	comments := 0
	jobs, _ := db.Jobs(ctx, inc.ID, "")
	for _, j := range jobs {
		if j.Kind == incident.JobTicketComment && strings.HasSuffix(j.Key, "/postmortem/1") {
			comments++
			if !strings.Contains(string(j.Payload), "revision 1 by warroom") {
				t.Errorf("the ticket comment: %s", j.Payload)
			}
		}
	}
	if comments != 1 {
		t.Errorf("%d ticket comments queued for the postmortem, want one", comments)
	}
	if evs := kinds(t, db, inc.ID, incident.EventPostmortem); len(evs) != 2 {
		t.Errorf("postmortem events %+v; want drafted and stored", evs)
	}

	// A job for a revision that is not there, or naming none, parks at
	// once: retrying cannot make it right.
	if err := run(45, incident.JobStorePostmortem, `{"revision":9}`); incident.ErrorKind(err) != incident.KindPermanent {
		t.Errorf("a revision that does not exist: %v, want a permanent failure", err)
	}
	if err := run(45, incident.JobStorePostmortem, `{}`); incident.ErrorKind(err) != incident.KindPermanent {
		t.Errorf("a job naming no revision: %v, want a permanent failure", err)
	}
}
