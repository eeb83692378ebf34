package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// TestSearchQueueWritesEachPlaceOnce: a write's search places are queued
// (migration 0021), not written in its transaction; a search on any
// replica finds them, and two replicas writing the queue at once (their
// searches, the runner's IndexQueued) write each place once: the title,
// summary and labels as they are after a change, and every timeline
// event, even one IndexPending wrote already.
func TestSearchQueueWritesEachPlaceOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Database(t)
	a, b := openDSN(t, dsn, incident.SystemClock{}), openDSN(t, dsn, incident.SystemClock{})
	raw := rawOpen(t, dsn)
	count := func(query string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	const incidents = 60
	for i := range incidents {
		db := []*postgres.DB{a, b}[i%2]
		err := db.Update(ctx, func(tx incident.Tx) error {
			now := time.Now()
			inc := &incident.Incident{Title: fmt.Sprintf("queue%d disk full", i), Summary: "root volume at 99 %", Severity: incident.SeverityHigh,
				Status: incident.StatusOpen, Source: "api", Labels: map[string]string{"host": fmt.Sprintf("db%d", i)}, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			for k := range 3 {
				if _, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventNote, Actor: "bob",
					Text: fmt.Sprintf("note %d of queue%d", k, i), At: now, RecordedAt: now}); err != nil {
					return err
				}
			}
			if i%3 == 0 { // a change of title in the same transaction
				inc.Title = fmt.Sprintf("queue%d disk cleaned", i)
				return tx.UpdateIncident(ctx, inc)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := count(`SELECT count(*) FROM search_units`); n != 0 {
		t.Fatalf("%d places written by the transactions, want 0: they are queued", n)
	}
	if n := count(`SELECT count(*) FROM search_queue`); n < incidents*4 {
		t.Fatalf("%d rows queued, want at least %d", n, incidents*4)
	}
	// One incident is rebuilt by IndexPending while its rows are queued.
	if _, err := raw.Exec(`INSERT INTO search_pending (incident_id) SELECT min(id) FROM incidents`); err != nil {
		t.Fatal(err)
	}
	if err := a.IndexPending(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}

	terms, err := incident.ParseSearch("cleaned")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	hits := make([][]incident.SearchHit, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			db := []*postgres.DB{a, b}[i%2]
			if i < 2 {
				hits[i], errs[i] = db.Search(ctx, incident.SearchQuery{Terms: terms, Limit: 100})
				return
			}
			for {
				n, err := db.IndexQueued(ctx)
				if err != nil || n == 0 {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v", i, errs[i])
		}
	}
	for i := range 2 {
		if len(hits[i]) != incidents/3 {
			t.Fatalf("search %d found %d incidents by their new title, want %d", i, len(hits[i]), incidents/3)
		}
	}
	if n := count(`SELECT count(*) FROM search_queue`); n != 0 {
		t.Fatalf("%d rows left queued after the searches, want 0", n)
	}
	if n := count(`SELECT count(*) FROM (SELECT 1 FROM search_units GROUP BY incident_id, field, ref HAVING count(*) > 1) d`); n != 0 {
		t.Fatalf("%d places written twice", n)
	}
	want := incidents * (3 + 3) // title, summary, labels and three notes
	if n := count(`SELECT count(*) FROM search_units`); n != want {
		t.Fatalf("%d places, want %d", n, want)
	}
	if n := count(`SELECT count(*) FROM search_units WHERE field = 'title' AND body LIKE '%disk full'`); n != incidents-incidents/3 {
		t.Fatalf("%d titles before the change are indexed, want %d (the changed ones replaced)", n, incidents-incidents/3)
	}
}
