package sqlite

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// BenchmarkNotification is the cost of one alert notification on the store
// (the hook path without HTTP), on an empty database and on one holding
// 100,000 archived incidents of the same groups, each with a timeline
// event and a finished job. Issue 12 wants the two within 1.2x.
//
//	go test ./incident/sqlite/ -run '^$' -bench Notification -count 6
func BenchmarkNotification(b *testing.B) {
	for _, archived := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("archived=%d", archived), func(b *testing.B) {
			ctx := context.Background()
			db := openLive(b)
			if archived > 0 {
				seedArchived(b, db, archived)
			}
			svc := incident.NewService(incident.Deps{Store: db, Clock: incident.SystemClock{}})
			start := time.Now().UTC().Add(-time.Hour)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// 1,000 groups: the first notification of each opens its
				// incident, the later ones are repeats with a new alert.
				g := testGroup(fmt.Sprintf("grp-%d", i%1000), start.Add(time.Duration(i)*time.Millisecond), true)
				g.Alerts[0].Fingerprint = fmt.Sprintf("fp-%d", i)
				if _, err := svc.IngestAlerts(ctx, g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotificationConcurrent is BenchmarkNotification from 50
// concurrent senders, as in a storm: group commit shares commits between
// them.
//
//	go test ./incident/sqlite/ -run '^$' -bench NotificationConcurrent -count 6
func BenchmarkNotificationConcurrent(b *testing.B) {
	ctx := context.Background()
	db := openLive(b)
	svc := incident.NewService(incident.Deps{Store: db, Clock: incident.SystemClock{}})
	start := time.Now().UTC().Add(-time.Hour)
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(25) // 50 senders on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			g := testGroup(fmt.Sprintf("grp-%d", i%1000), start.Add(time.Duration(i)*time.Millisecond), true)
			g.Alerts[0].Fingerprint = fmt.Sprintf("fp-%d", i)
			if _, err := svc.IngestAlerts(ctx, g); err != nil {
				b.Fatal(err)
			}
		}
	})
}
