package incident_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// During a burst of inbound requests (Inflow), only BurstWorkers of the
// runner's workers claim jobs; the others start when the burst is over,
// or when it has lasted BurstHold.
func TestRunnerYieldsToInboundBurst(t *testing.T) {
	clock := newTimerClock()
	const hold = 10 * time.Second
	inflow := incident.NewInflow(clock)
	started := make(chan string, 16)
	release := make(chan struct{})
	var released sync.Once
	free := func() { released.Do(func() { close(release) }) }
	var running, most atomic.Int32
	var gate atomic.Value
	gate.Store(release)
	cfg := incident.RunnerConfig{Workers: 4, BurstWorkers: 1, BurstHold: hold, Inflow: inflow, Lease: time.Hour, Retention: -1}
	e := newQueueEnv(t, clock, cfg, func(r *incident.Runner) {
		r.Handle(incident.JobBuildTranscript, func(ctx context.Context, j incident.Job) error {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			started <- j.Key
			<-gate.Load().(chan struct{})
			running.Add(-1)
			return nil
		})
	})
	// Four jobs in four lanes (one per incident), so that nothing but the
	// burst keeps them from running at once.
	enqueueLanes := func(prefix string) {
		for i := range 4 {
			inc := &incident.Incident{Title: fmt.Sprintf("%s %d", prefix, i), Severity: incident.SeverityHigh, Status: incident.StatusOpen,
				Source: "api", CreatedAt: clock.Now(), UpdatedAt: clock.Now()}
			err := e.db.Update(context.Background(), func(tx incident.Tx) error {
				if err := tx.CreateIncident(context.Background(), inc); err != nil {
					return err
				}
				j, err := incident.NewJob(incident.JobBuildTranscript, inc.ID, fmt.Sprintf("%s-%d", prefix, i), nil)
				if err != nil {
					return err
				}
				return tx.Enqueue(context.Background(), j)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		e.run.Kick()
	}

	end := inflow.Begin() // a request is being handled
	enqueueLanes("first")
	e.start(t)
	t.Cleanup(func() { free() }) // before the runner stops, on a failure too
	<-started
	// The three other workers wait on the burst: their hold timers are set
	// (with the running job's lease renewal, four timers).
	waitFor(t, "three workers held and one lease renewal", func() bool { return clock.Waiting() == 4 })
	if n := running.Load(); n != 1 {
		t.Fatalf("%d jobs running during the burst, want 1 (BurstWorkers)", n)
	}
	end()
	for range 3 {
		<-started
	}
	if n := most.Load(); n != 4 {
		t.Fatalf("at most %d jobs ran at once after the burst, want 4", n)
	}
	free()
	waitFor(t, "the first jobs done", func() bool { return running.Load() == 0 })
	clock.Advance(time.Hour) // fires the timers left from the first burst
	waitFor(t, "no timer left", func() bool { return clock.Waiting() == 0 })

	// A burst that lasts: after BurstHold every worker runs again.
	release = make(chan struct{})
	gate.Store(release)
	released = sync.Once{}
	most.Store(0)
	end = inflow.Begin()
	defer end()
	enqueueLanes("long")
	<-started
	waitFor(t, "three workers held and one lease renewal", func() bool { return clock.Waiting() == 4 })
	if n := running.Load(); n != 1 {
		t.Fatalf("%d jobs running in the second burst, want 1", n)
	}
	clock.Advance(hold)
	for range 3 {
		<-started
	}
	if n := most.Load(); n != 4 {
		t.Fatalf("at most %d jobs ran at once once the burst had lasted %s, want 4", most.Load(), hold)
	}
	free()
	waitFor(t, "the long jobs done", func() bool { return running.Load() == 0 })
}
