package riverlane

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// BenchmarkRiverLaneDrain times how long River takes to run the first 2,000
// outbox rows (4 a lane) when more rows wait behind them, 16 workers.
//
//	cd _spike/riverlane && go test -run XXX -bench RiverLaneDrain -benchtime 1x
func BenchmarkRiverLaneDrain(b *testing.B) {
	for _, extra := range []int{0, 10000, 100000} {
		b.Run(fmt.Sprintf("pending=%d", 2000+extra), func(b *testing.B) {
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(b.TempDir(), "r.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			w := &LaneWorker{DB: db}
			workers := river.NewWorkers()
			river.AddWorker(workers, w)
			client, err := river.NewClient(riversqlite.New(db), &river.Config{
				Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 16}},
				Workers: workers, FetchCooldown: time.Millisecond, FetchPollInterval: 5 * time.Millisecond,
				Logger: slog.New(slog.DiscardHandler),
			})
			if err != nil {
				b.Fatal(err)
			}
			total := 2000 + extra
			for i := range total {
				if err := Enqueue(ctx, db, client, fmt.Sprint("lane/", i/4)); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			start := time.Now()
			if err := client.Start(ctx); err != nil {
				b.Fatal(err)
			}
			for w.Done.Load() < 2000 {
				time.Sleep(time.Millisecond)
			}
			d := time.Since(start)
			b.StopTimer()
			client.Stop(ctx)
			b.ReportMetric(float64(d.Nanoseconds())/2000, "ns/row")
		})
	}
}
