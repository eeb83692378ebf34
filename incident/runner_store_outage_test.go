package incident_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// downQueue is the store's queue with its connection to the database cut
// while down is set: every call fails as a lost connection would.
type downQueue struct {
	*sqlite.DB
	down atomic.Bool
}

var errConnLost = errors.New("write tcp 10.0.0.5:43210->10.0.0.9:5432: connection reset by peer")

func (q *downQueue) Claim(ctx context.Context, now time.Time, lease time.Duration, kinds []incident.JobKind) (*incident.Job, error) {
	if q.down.Load() {
		return nil, errConnLost
	}
	return q.DB.Claim(ctx, now, lease, kinds)
}

func (q *downQueue) Renew(ctx context.Context, l incident.Lease, until time.Time) error {
	if q.down.Load() {
		return errConnLost
	}
	return q.DB.Renew(ctx, l, until)
}

func (q *downQueue) Finish(ctx context.Context, l incident.Lease, now time.Time) error {
	if q.down.Load() {
		return errConnLost
	}
	return q.DB.Finish(ctx, l, now)
}

func (q *downQueue) Retry(ctx context.Context, l incident.Lease, r incident.RetryAt, now time.Time) error {
	if q.down.Load() {
		return errConnLost
	}
	return q.DB.Retry(ctx, l, r, now)
}

// The database goes away while a job runs, for longer than the runner's
// tries to record the outcome: the outcome is unrecorded, the job stays
// claimed until its lease lapses, and once the database is back it runs
// again and is done. The side effect is never lost, and the handler, which
// keys it by the job, makes it once.
func TestStoreLostMidJobRunsTheJobAgain(t *testing.T) {
	for _, tt := range []struct {
		name   string
		result error // what the first attempt returns
	}{
		{"side effect made, finish lost", nil},
		{"attempt failed, retry lost", incident.Errorf(incident.KindTransient, "chat answered 503")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := newTimerClock()
			const lease = time.Minute
			q := &downQueue{}
			var (
				mu       sync.Mutex
				effects  = map[string]bool{} // the outside system: one effect per job key
				calls    atomic.Int32
				outcomes []string
			)
			e := newQueueEnv(t, clock, incident.RunnerConfig{Workers: 1, Lease: lease, Retention: -1}, func(*incident.Runner) {})
			q.DB = e.db
			e.run = incident.NewRunner(q, incident.RunnerConfig{Workers: 1, Lease: lease, Retention: -1, Poll: 2 * time.Millisecond,
				BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}, clock, slog.New(slog.DiscardHandler))
			e.run.Handle(incident.JobPost, func(ctx context.Context, j incident.Job) error {
				mu.Lock()
				effects[j.Key] = true // idempotent by key: a second run makes nothing new
				mu.Unlock()
				if calls.Add(1) == 1 {
					q.down.Store(true) // the connection drops while the job runs
					return tt.result
				}
				return nil
			})
			e.run.Observe = func(_ incident.JobKind, outcome string, _ time.Duration) {
				mu.Lock()
				outcomes = append(outcomes, outcome)
				mu.Unlock()
			}
			seen := func(o string) bool {
				mu.Lock()
				defer mu.Unlock()
				for _, x := range outcomes {
					if x == o {
						return true
					}
				}
				return false
			}
			e.start(t)
			e.enqueue(t, incident.JobPost, "post")
			// Step the clock through the runner's tries to record it.
			for !seen("unrecorded") {
				waitFor(t, "a try to record the outcome", func() bool { return clock.Waiting() > 0 || seen("unrecorded") })
				clock.Advance(2 * time.Second)
			}
			if j := e.job(t, "post"); j.State != incident.JobRunning {
				t.Fatalf("after the unrecorded outcome the job is %s; want still running under its lease", j.State)
			}
			q.down.Store(false)
			clock.Advance(lease) // the lease lapses: the job is claimable again
			waitFor(t, "the job done", func() bool { return seen("done") && e.job(t, "post").State == incident.JobDone })
			if n := calls.Load(); n < 2 {
				t.Errorf("the handler ran %d times; want it run again after the lost outcome", n)
			}
			mu.Lock()
			defer mu.Unlock()
			if !effects["post"] || len(effects) != 1 {
				t.Errorf("effects %v; want one effect, on the job's key", effects)
			}
			if outcomes[len(outcomes)-1] != "done" {
				t.Errorf("outcomes %v; want the last done", outcomes)
			}
		})
	}
}
