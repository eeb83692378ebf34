package postgres_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// These pin what PostgreSQL's dialect of the shared core
// (incident/internal/sqlstore) adds to the statements both stores run: a
// follow-up read in a transaction stays locked until it ends, and a
// postmortem two replicas save at once is one save and one KindConflict.

// TestFollowupReadInTxLocksIt: a transaction on one replica reads a
// follow-up (by id, by ticket) and, holding it, changes it; the same read
// on another replica waits for that transaction, and then sees its change.
// A read outside a transaction waits for nothing.
func TestFollowupReadInTxLocksIt(t *testing.T) {
	reads := []struct {
		name string
		read func(ctx context.Context, tx incident.Tx, f *incident.Followup) (*incident.Followup, error)
	}{
		{"by id", func(ctx context.Context, tx incident.Tx, f *incident.Followup) (*incident.Followup, error) {
			return tx.Followup(ctx, f.ID)
		}},
		{"by ticket", func(ctx context.Context, tx incident.Tx, f *incident.Followup) (*incident.Followup, error) {
			return tx.FollowupByTicket(ctx, f.Ticket.Backend, f.Ticket.Key)
		}},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			dsn := pgtest.Database(t)
			clock := &storetest.Clock{}
			a, b := openDSN(t, dsn, clock), openDSN(t, dsn, clock)
			ctx := context.Background()
			f := &incident.Followup{IncidentID: newPGIncident(t, a).ID, Text: "add an alert", Actor: "alice", State: incident.FollowupOpen,
				Ticket: incident.TicketRef{Backend: "jira", Key: "OPS-1"}, CreatedAt: storetest.T0, ChangedAt: storetest.T0}
			if err := a.Update(ctx, func(tx incident.Tx) error { return tx.CreateFollowup(ctx, f) }); err != nil {
				t.Fatal(err)
			}
			held, release, aDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			go func() {
				aDone <- a.Update(ctx, func(tx incident.Tx) error {
					got, err := r.read(ctx, tx, f)
					if err != nil {
						return err
					}
					close(held)
					<-release
					got.State, got.ChangedBy = incident.FollowupDone, "alice"
					return tx.UpdateFollowup(ctx, got)
				})
			}()
			<-held
			bSeen, bDone := make(chan *incident.Followup, 1), make(chan error, 1)
			go func() {
				bDone <- b.Update(ctx, func(tx incident.Tx) error {
					got, err := r.read(ctx, tx, f)
					bSeen <- got
					return err
				})
			}()
			waitLockWait(t, rawOpen(t, dsn), bDone)
			if got, err := b.Followup(ctx, f.ID); err != nil || got.State != incident.FollowupOpen {
				t.Errorf("read outside a transaction while it is locked: %+v, %v; want it at once, still open", got, err)
			}
			close(release)
			if err := <-aDone; err != nil {
				t.Fatalf("the holder: %v", err)
			}
			if err := <-bDone; err != nil {
				t.Fatalf("the waiter: %v", err)
			}
			if got := <-bSeen; got.State != incident.FollowupDone || got.ChangedBy != "alice" {
				t.Errorf("the waiter read %+v; want the holder's change (done by alice)", got)
			}
		})
	}
}

// TestPostmortemSavedMeanwhileIsConflict: two replicas save revision 1 of
// one postmortem at once. Neither finds a postmortem to lock, so the
// second's insert waits on the unique key the first's holds; when the
// first commits, the second's save is a KindConflict that says so, and
// the first's revision is the one kept.
func TestPostmortemSavedMeanwhileIsConflict(t *testing.T) {
	dsn := pgtest.Database(t)
	clock := &storetest.Clock{}
	a, b := openDSN(t, dsn, clock), openDSN(t, dsn, clock)
	ctx := context.Background()
	id := newPGIncident(t, a).ID
	rev := func(author string) incident.PostmortemRevision {
		body := "written by " + author
		return incident.PostmortemRevision{N: 1, Body: body, Author: author, At: storetest.T0, SHA256: incident.Digest([]byte(body))}
	}
	held, release, aDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		aDone <- a.Update(ctx, func(tx incident.Tx) error {
			if err := tx.AddPostmortemRevision(ctx, id, rev("alice")); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	bDone := make(chan error, 1)
	go func() {
		bDone <- b.Update(ctx, func(tx incident.Tx) error { return tx.AddPostmortemRevision(ctx, id, rev("bob")) })
	}()
	waitLockWait(t, rawOpen(t, dsn), bDone)
	close(release)
	if err := <-aDone; err != nil {
		t.Fatalf("the first save: %v", err)
	}
	if err := <-bDone; incident.ErrorKind(err) != incident.KindConflict || !strings.Contains(err.Error(), "meanwhile") {
		t.Fatalf("the second save: %v (kind %v), want a KindConflict saying it was saved meanwhile", err, incident.ErrorKind(err))
	}
	revs, err := b.PostmortemRevisions(ctx, id)
	if err != nil || len(revs) != 1 || revs[0].Author != "alice" {
		t.Fatalf("revisions %+v, %v; want alice's alone", revs, err)
	}
}

func newPGIncident(t *testing.T, s *postgres.DB) *incident.Incident {
	t.Helper()
	inc := &incident.Incident{Title: "db slow", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api",
		CreatedAt: storetest.T0, UpdatedAt: storetest.T0}
	if err := s.Update(context.Background(), func(tx incident.Tx) error { return tx.CreateIncident(context.Background(), inc) }); err != nil {
		t.Fatal(err)
	}
	return inc
}

// waitLockWait returns once a session of the database waits for a lock
// another transaction holds. It asks the server over and over (nothing
// tells of a wait), and fails at once if the waiter ends without waiting.
func waitLockWait(t *testing.T, raw *sql.DB, waiter <-chan error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := raw.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		select {
		case err := <-waiter:
			t.Fatalf("the second transaction ended (%v) without waiting for the first: its read took no lock", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no session waits for a lock after 30s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
