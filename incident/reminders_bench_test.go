package incident_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// BenchmarkReminderSweep measures one sweep of the status cadence over
// 500 live critical incidents of 20 timeline events each, none due (what
// almost every sweep finds), against its floor: listing those incidents
// (the sweep's first read), side by side on the same SQLite file.
//
//	go test ./incident/ -run '^$' -bench 'BenchmarkReminderSweep' -count 5
func BenchmarkReminderSweep(b *testing.B) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "w.db"), clock)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc := incident.NewService(incident.Deps{Store: db, Chat: &recordingChat{}, Renderer: plainRenderer{}, Clock: clock, Tickets: stuckTickets{}})
	runner := incident.NewRunner(db, incident.RunnerConfig{}, clock, slog.New(slog.DiscardHandler))
	svc.RegisterJobs(runner)
	const live, notes = 500, 18
	for i := range live {
		inc, err := svc.Declare(ctx, incident.Declaration{Title: fmt.Sprintf("incident %d", i), Severity: incident.SeverityCritical, Actor: "alice"})
		if err != nil {
			b.Fatal(err)
		}
		for n := range notes {
			if _, err := svc.AddNote(ctx, inc.Key, "alice", fmt.Sprintf("note %d", n)); err != nil {
				b.Fatal(err)
			}
		}
	}
	clock.add(10 * time.Minute) // nothing due before 30m
	filter := incident.Filter{Status: []incident.Status{incident.StatusOpen, incident.StatusAcked}, Limit: 500}
	b.Run("floor=list", func(b *testing.B) {
		for b.Loop() {
			if list, err := db.Incidents(ctx, filter); err != nil || len(list) != live {
				b.Fatalf("%d, %v", len(list), err)
			}
		}
	})
	b.Run("sweep", func(b *testing.B) {
		for b.Loop() {
			if n, err := svc.RemindDue(ctx); err != nil || n != 0 {
				b.Fatalf("%d, %v", n, err)
			}
		}
	})
}
