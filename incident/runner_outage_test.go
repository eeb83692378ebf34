package incident_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

func (e *queueEnv) newIncident(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	inc := &incident.Incident{Title: "db down", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "db",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := e.db.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	return inc.ID
}

func (e *queueEnv) enqueueFor(t *testing.T, inc int64, kind incident.JobKind, key string) {
	t.Helper()
	j, err := incident.NewJob(kind, inc, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Update(context.Background(), func(tx incident.Tx) error { return tx.Enqueue(context.Background(), j) }); err != nil {
		t.Fatal(err)
	}
	e.run.Kick()
}

// settled reports whether a job waits for a later time or is finished:
// the runner has nothing to do with it at the clock's time.
func settled(j incident.Job, now time.Time) bool {
	return j.State == incident.JobDone || j.State == incident.JobParked || j.State == incident.JobPending && j.RunAt.After(now)
}

// A ticket system that is down for longer than a count of attempts would
// allow does not park its jobs: they retry until the max age, park with a
// reason saying so, and resume by themselves when a later ticket job
// succeeds.
func TestOutageRetriesUntilMaxAgeThenResumes(t *testing.T) {
	clock := newTimerClock()
	var down atomic.Bool
	down.Store(true)
	var resumed []string
	e := newQueueEnv(t, clock, incident.RunnerConfig{Workers: 2, MaxAttempts: 3, MaxAge: time.Hour, MaxDelay: 5 * time.Minute,
		Retention: -1}, func(r *incident.Runner) {
		r.Handle(incident.JobOpenTicket, func(ctx context.Context, j incident.Job) error {
			if down.Load() {
				return incident.Errorf(incident.KindTransient, "jira answered 503; try again")
			}
			return nil
		})
		r.OnResume = func(backend string, n int) { resumed = append(resumed, backend, strings.Repeat("x", n)) }
	})
	e.start(t)
	e.enqueue(t, incident.JobOpenTicket, "a")
	for step := 0; ; step++ {
		waitFor(t, "the retry scheduled", func() bool { return settled(e.job(t, "a"), clock.Now()) })
		j := e.job(t, "a")
		if j.State == incident.JobParked {
			if j.Failure != incident.FailureTransient || !strings.Contains(j.LastError, "still failing after 1h0m0s") ||
				!strings.Contains(j.LastError, "jira answered 503") {
				t.Fatalf("parked as %q: %q", j.Failure, j.LastError)
			}
			if j.Attempts <= 3 {
				t.Fatalf("parked after %d attempts: a transient failure must retry by age, not by count", j.Attempts)
			}
			break
		}
		if j.Failure != incident.FailureTransient || j.FailingSince == nil {
			t.Fatalf("retrying job shows failure %q since %v", j.Failure, j.FailingSince)
		}
		if step > 100 {
			t.Fatal("still not parked after 100 retries")
		}
		clock.Advance(j.RunAt.Sub(clock.Now()))
		e.run.Kick()
	}
	down.Store(false)
	e.enqueueFor(t, e.newIncident(t), incident.JobOpenTicket, "b")
	waitFor(t, "the parked job resumed and done", func() bool { return e.job(t, "a").State == incident.JobDone })
	e.stop()
	if strings.Join(resumed, ",") != "tickets,x" {
		t.Errorf("resumes reported %v, want one of tickets", resumed)
	}
}

// A backend's limit caps its running jobs while other backends' jobs go
// on, and a 429's Retry-After holds the whole backend until it passes.
func TestBackendLimitAndRetryAfter(t *testing.T) {
	clock := newTimerClock()
	gate := make(chan struct{})
	var running, most, calls atomic.Int32
	e := newQueueEnv(t, clock, incident.RunnerConfig{Workers: 4, Limits: map[string]int{incident.BackendChat: 1}, Retention: -1},
		func(r *incident.Runner) {
			r.Handle(incident.JobOpenChannel, func(ctx context.Context, j incident.Job) error {
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				if calls.Add(1) == 1 {
					<-gate
					return &incident.RetryAfter{After: 10 * time.Minute, Err: incident.Errorf(incident.KindTransient, "mattermost: 429")}
				}
				return nil
			})
			r.Handle(incident.JobOpenTicket, func(ctx context.Context, j incident.Job) error { return nil })
		})
	e.start(t)
	for i := range 3 {
		inc := e.newIncident(t)
		e.enqueueFor(t, inc, incident.JobOpenChannel, "open/"+string(rune('a'+i)))
		e.enqueueFor(t, inc, incident.JobOpenTicket, "ticket/"+string(rune('a'+i)))
	}
	waitFor(t, "the tickets done while chat is at its limit", func() bool {
		for _, k := range []string{"ticket/a", "ticket/b", "ticket/c"} {
			if e.job(t, k).State != incident.JobDone {
				return false
			}
		}
		return true
	})
	if n := running.Load(); n != 1 {
		t.Fatalf("%d chat jobs run at once, limit 1", n)
	}
	close(gate) // the first channel gets a 429: retry after 10 minutes
	var first string
	waitFor(t, "the 429 recorded", func() bool {
		for _, k := range []string{"open/a", "open/b", "open/c"} {
			if j := e.job(t, k); j.Failure == incident.FailureTransient {
				first = k
				return true
			}
		}
		return false
	})
	// The backend waits out the Retry-After: no other chat job is claimed.
	clock.Advance(9 * time.Minute)
	e.run.Kick()
	for _, k := range []string{"open/a", "open/b", "open/c"} {
		if j := e.job(t, k); k != first && j.Attempts != 0 {
			t.Fatalf("%s claimed %d times while chat waits out a 429", k, j.Attempts)
		}
	}
	clock.Advance(2 * time.Minute)
	e.run.Kick()
	waitFor(t, "every channel open", func() bool {
		for _, k := range []string{"open/a", "open/b", "open/c"} {
			if e.job(t, k).State != incident.JobDone {
				return false
			}
		}
		return true
	})
	if m := most.Load(); m != 1 {
		t.Errorf("up to %d chat jobs ran at once, limit 1", m)
	}
}

// A handler that outlives its kind's timeout is cut off and retried as a
// transient failure.
func TestHandlerTimeout(t *testing.T) {
	var calls atomic.Int32
	e := newQueueEnv(t, incident.SystemClock{}, incident.RunnerConfig{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond,
		Timeouts: map[incident.JobKind]time.Duration{incident.JobOpenChannel: 20 * time.Millisecond}, Retention: -1},
		func(r *incident.Runner) {
			r.Handle(incident.JobOpenChannel, func(ctx context.Context, j incident.Job) error {
				if calls.Add(1) == 1 {
					<-ctx.Done() // a hung backend
					return ctx.Err()
				}
				return nil
			})
		})
	e.start(t)
	e.enqueue(t, incident.JobOpenChannel, "open")
	waitFor(t, "the job done", func() bool { return e.job(t, "open").State == incident.JobDone })
	if j := e.job(t, "open"); j.Attempts != 2 {
		t.Errorf("attempts = %d, want 2 (one cut off by the timeout)", j.Attempts)
	}
}

// Done jobs are pruned after the retention; pending ones stay.
func TestRunnerPrunesDoneJobs(t *testing.T) {
	clock := newTimerClock()
	pruned := make(chan int, 10)
	e := newQueueEnv(t, clock, incident.RunnerConfig{Retention: time.Hour, PruneEvery: time.Minute, PruneBatch: 2},
		func(r *incident.Runner) {
			r.Handle(incident.JobPost, func(ctx context.Context, j incident.Job) error { return nil })
			r.OnPrune = func(n int) { pruned <- n }
		})
	e.start(t)
	for _, k := range []string{"p1", "p2", "p3"} {
		e.enqueue(t, incident.JobPost, k)
	}
	waitFor(t, "the posts done", func() bool { return e.job(t, "p3").State == incident.JobDone })
	clock.Advance(2 * time.Hour)
	e.enqueue(t, incident.JobPost, "later") // done now, so kept
	waitFor(t, "the later post done", func() bool { return e.job(t, "later").State == incident.JobDone })
	waitFor(t, "the prune timer", func() bool { return clock.Waiting() > 0 })
	clock.Advance(time.Minute)
	if n := <-pruned; n != 3 {
		t.Errorf("pruned %d, want 3 (in batches of 2)", n)
	}
	jobs, err := e.db.Jobs(context.Background(), e.inc, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Key != "later" {
		t.Errorf("left %v, want only the later post", jobs)
	}
}

// With PruneApart the caller runs Prune (on the one replica that holds the
// pruner's lease), and it prunes as Run would.
func TestRunnerPruneApart(t *testing.T) {
	clock := newTimerClock()
	pruned := make(chan int, 10)
	e := newQueueEnv(t, clock, incident.RunnerConfig{Retention: time.Hour, PruneEvery: time.Minute, PruneBatch: 2},
		func(r *incident.Runner) {
			r.Handle(incident.JobPost, func(ctx context.Context, j incident.Job) error { return nil })
			r.OnPrune = func(n int) { pruned <- n }
			r.PruneApart = true
		})
	if !e.run.Prunes() {
		t.Fatal("Prunes() = false for a SQLite queue with a retention")
	}
	e.start(t)
	for _, k := range []string{"p1", "p2", "p3"} {
		e.enqueue(t, incident.JobPost, k)
	}
	waitFor(t, "the posts done", func() bool { return e.job(t, "p3").State == incident.JobDone })
	e.stop() // the workers are done; only Prune runs from here
	clock.Advance(2 * time.Hour)
	before := clock.Waiting()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.run.Prune(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, "the prune timer", func() bool { return clock.Waiting() > before })
	clock.Advance(time.Minute)
	if n := <-pruned; n != 3 {
		t.Errorf("pruned %d, want 3", n)
	}
}
