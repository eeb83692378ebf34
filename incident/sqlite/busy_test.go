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
	"github.com/warroom/warroom/integrations/builtin"
)

// TestConcurrentWritersNeverBusy: 100 senders ingest notifications while
// other goroutines write the way the builtin backend does (its store's
// statements straight on the writer connection, beside the group commit)
// and read the incident list. Not one may fail: inside the process writers
// queue for the one writer connection instead of meeting SQLITE_BUSY.
func TestConcurrentWritersNeverBusy(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	chat := builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
	var channels [4]incident.ChannelRef
	for w := range channels {
		if channels[w], err = chat.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: fmt.Sprintf("side-%d", w), Name: fmt.Sprintf("side-%d", w)}); err != nil {
			t.Fatal(err)
		}
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
	for w := range channels {
		wg.Go(func() {
			for i := range each * 5 {
				if _, err := chat.Post(ctx, channels[w], incident.Post{Key: fmt.Sprintf("side-%d/%d", w, i), Text: "side"}); err != nil {
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
	for _, ch := range channels {
		if all, _, err := db.Builtin().CountMessages(ctx, ch.ID, ""); err != nil || all != each*5 {
			t.Errorf("channel %s: %d messages, %v; want %d", ch.Name, all, err, each*5)
		}
	}
}
