package riverlane

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// BenchmarkWarroomLaneDrain is BenchmarkRiverLaneDrain on warroom's own
// queue: chat.post jobs, 4 in each incident's chat lane, 16 workers.
//
//	cd _spike/riverlane && go test -run XXX -bench WarroomLaneDrain -benchtime 1x
func BenchmarkWarroomLaneDrain(b *testing.B) {
	for _, extra := range []int{0, 10000, 100000} {
		b.Run(fmt.Sprintf("pending=%d", 2000+extra), func(b *testing.B) {
			ctx := context.Background()
			clock := incident.SystemClock{}
			db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "w.db"), clock)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			total := 2000 + extra
			err = db.Update(ctx, func(tx incident.Tx) error {
				var inc *incident.Incident
				for i := range total {
					if i%4 == 0 {
						inc = &incident.Incident{Title: "x", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
							Source: "bench", CreatedAt: clock.Now(), UpdatedAt: clock.Now()}
						if err := tx.CreateIncident(ctx, inc); err != nil {
							return err
						}
					}
					j, err := incident.NewJob(incident.JobPost, inc.ID, fmt.Sprint("post/", i), nil)
					if err != nil {
						return err
					}
					if err := tx.Enqueue(ctx, j); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			var done atomic.Int64
			r := incident.NewRunner(db, incident.RunnerConfig{Workers: 16, Poll: 5 * time.Millisecond, Retention: -1},
				clock, slog.New(slog.DiscardHandler))
			r.Handle(incident.JobPost, func(ctx context.Context, j incident.Job) error { done.Add(1); return nil })
			b.ResetTimer()
			start := time.Now()
			rctx, cancel := context.WithCancel(ctx)
			stopped := make(chan struct{})
			go func() { r.Run(rctx); close(stopped) }()
			r.Kick()
			for done.Load() < 2000 {
				time.Sleep(time.Millisecond)
			}
			d := time.Since(start)
			b.StopTimer()
			cancel()
			<-stopped
			b.ReportMetric(float64(d.Nanoseconds())/2000, "ns/row")
		})
	}
}
