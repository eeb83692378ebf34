package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// fill enqueues n due jobs, perLane to a lane of their own incident, with
// keys that start with prefix.
func fill(b *testing.B, s Store, n, perLane int, prefix string) {
	b.Helper()
	ctx := context.Background()
	err := s.Update(ctx, func(tx incident.Tx) error {
		var inc int64
		for i := range n {
			if i%perLane == 0 {
				x := &incident.Incident{Title: "bench", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "bench",
					CreatedAt: T0, UpdatedAt: T0}
				if err := tx.CreateIncident(ctx, x); err != nil {
					return err
				}
				inc = x.ID
			}
			j, err := incident.NewJob(incident.JobBuildTranscript, inc, fmt.Sprint(prefix, i), nil)
			if err != nil {
				return err
			}
			j.RunAt = T0.Add(-time.Hour)
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchClaim measures one Claim and one Finish, through the ports, with a
// backlog of pending jobs 4 to a lane that stays as it is (the claimed job's
// lane gets its next job when it finishes; a refill is enqueued off the
// timer). It runs the same on every driver, so the drivers' figures are
// ratios of one another.
func BenchClaim(b *testing.B, s Store, backlog int) {
	ctx := context.Background()
	fill(b, s, backlog, 4, "backlog/")
	i := 0
	for b.Loop() {
		b.StopTimer()
		fill(b, s, 1, 1, fmt.Sprintf("refill/%d/", i)) // a new lane a claim: the backlog stays
		i++
		b.StartTimer()
		j, err := s.Claim(ctx, T0, time.Minute, kinds)
		if err != nil || j == nil {
			b.Fatalf("claim: %v %v", j, err)
		}
		if err := s.Finish(ctx, j.Lease(), T0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchClaimWorkers measures the queue's throughput: workers goroutines,
// spread over the stores (replicas of one database, or one store), claim
// and finish b.N jobs of a backlog made off the timer, 4 to a lane. ns/op
// is the wall time per job handed out and finished.
func BenchClaimWorkers(b *testing.B, stores []Store, workers int) {
	ctx := context.Background()
	fill(b, stores[0], b.N, 4, "backlog/")
	b.ResetTimer()
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				finished := done >= b.N
				mu.Unlock()
				if finished {
					return
				}
				j, err := s.Claim(ctx, T0, time.Minute, kinds)
				if incident.ErrorKind(err) == incident.KindTransient {
					continue
				}
				if err != nil {
					b.Error(err)
					return
				}
				if j == nil {
					time.Sleep(time.Millisecond) // the next of a lane is not the head yet: another worker finishes it
					continue
				}
				if err := s.Finish(ctx, j.Lease(), T0); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				done++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
