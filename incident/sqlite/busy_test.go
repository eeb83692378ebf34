package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// TestConcurrentWritersNeverBusy: 100 senders ingest notifications while
// other goroutines write the way the job runner and the builtin backend do
// (updates of their own and statements straight on the writer handle) and
// read the incident list. Not one may fail: inside the process writers
// queue for the one writer connection instead of meeting SQLITE_BUSY.
func TestConcurrentWritersNeverBusy(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE side (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	svc := incident.NewService(incident.Deps{Store: db, Clock: incident.SystemClock{}})
	start := time.Now().UTC().Add(-time.Hour)
	const senders, each = 100, 20
	errs := make(chan error, senders*each*3)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				g := incident.AlertGroup{Source: "alertmanager", DedupKey: fmt.Sprintf("grp-%d", (s*each+i)%300), Title: "HighLatency",
					Alerts: []incident.Alert{{Fingerprint: fmt.Sprintf("fp-%d-%d", s, i), Firing: s%7 != 6, Name: "HighLatency",
						StartsAt: start, EndsAt: start.Add(time.Minute)}}}
				if _, err := svc.IngestAlerts(ctx, g); err != nil {
					errs <- fmt.Errorf("ingest: %w", err)
				}
			}
		})
	}
	for w := range 4 {
		wg.Go(func() {
			for i := range each * 5 {
				if _, err := db.SQL().ExecContext(ctx, `INSERT INTO side (n) VALUES (?)`, w*1000+i); err != nil {
					errs <- fmt.Errorf("direct write: %w", err)
				}
				if _, err := db.Incidents(ctx, incident.Filter{Status: []incident.Status{incident.StatusOpen}, Limit: 50}); err != nil {
					errs <- fmt.Errorf("read: %w", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := db.Incidents(ctx, incident.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 300 {
		t.Errorf("%d incidents, want 300 (one per group)", len(list))
	}
}
