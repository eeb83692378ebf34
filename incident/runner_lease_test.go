package incident_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// timerClock is a hand-written clock with timers that fire only when the
// test steps it, so lease renewals and lapses happen when the test says.
type timerClock struct {
	mu      sync.Mutex
	t       time.Time
	waiters []timerWaiter
}

type timerWaiter struct {
	at time.Time
	ch chan time.Time
}

func newTimerClock() *timerClock {
	return &timerClock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
}

func (c *timerClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *timerClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, timerWaiter{at: c.t.Add(d), ch: ch})
	return ch
}

// Advance moves the clock and fires the timers that are due.
func (c *timerClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.t) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.t
	}
	c.waiters = kept
}

// Waiting reports how many timers are set.
func (c *timerClock) Waiting() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.waiters) }

// spyQueue wraps the store's queue: it reports renewals and can fail the
// first calls of Finish, as a busy database would.
type spyQueue struct {
	*sqlite.DB
	renewed    chan incident.Lease
	failFinish atomic.Int32
	finishes   atomic.Int32
}

func (q *spyQueue) Renew(ctx context.Context, l incident.Lease, until time.Time) error {
	err := q.DB.Renew(ctx, l, until)
	if q.renewed != nil {
		q.renewed <- l
	}
	return err
}

func (q *spyQueue) Finish(ctx context.Context, l incident.Lease, now time.Time) error {
	q.finishes.Add(1)
	if q.failFinish.Add(-1) >= 0 {
		return errors.New("commit: database is locked (5) (SQLITE_BUSY)")
	}
	return q.DB.Finish(ctx, l, now)
}

// queueEnv is a runner over a real SQLite queue with one incident.
type queueEnv struct {
	db   *sqlite.DB
	inc  int64
	spy  *spyQueue
	run  *incident.Runner
	stop func()
}

func newQueueEnv(t *testing.T, clock incident.Clock, cfg incident.RunnerConfig, handle func(r *incident.Runner)) *queueEnv {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	inc := &incident.Incident{Title: "api down", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api",
		CreatedAt: clock.Now(), UpdatedAt: clock.Now()}
	if err := db.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, inc) }); err != nil {
		t.Fatal(err)
	}
	spy := &spyQueue{DB: db}
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Millisecond
	}
	r := incident.NewRunner(spy, cfg, clock, slog.New(slog.DiscardHandler))
	handle(r)
	e := &queueEnv{db: db, inc: inc.ID, spy: spy, run: r}
	return e
}

func (e *queueEnv) start(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.run.Run(ctx); close(done) }()
	e.stop = func() { cancel(); <-done }
	t.Cleanup(e.stop)
}

func (e *queueEnv) enqueue(t *testing.T, kind incident.JobKind, key string) {
	t.Helper()
	j, err := incident.NewJob(kind, e.inc, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Update(context.Background(), func(tx incident.Tx) error { return tx.Enqueue(context.Background(), j) }); err != nil {
		t.Fatal(err)
	}
	e.run.Kick()
}

func (e *queueEnv) job(t *testing.T, key string) incident.Job {
	t.Helper()
	jobs, err := e.db.Jobs(context.Background(), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Key == key {
			return j
		}
	}
	t.Fatalf("no job %q", key)
	return incident.Job{}
}

// A handler that runs five times longer than the lease keeps its lease:
// the runner renews it, no second claim gets the job, and it runs once.
func TestLeaseHeldWhileHandlerRunsLong(t *testing.T) {
	clock := newTimerClock()
	const lease = time.Minute
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	e := newQueueEnv(t, clock, incident.RunnerConfig{Workers: 4, Lease: lease, Retention: -1}, func(r *incident.Runner) {
		r.Handle(incident.JobBuildTranscript, func(ctx context.Context, j incident.Job) error {
			if runs.Add(1) == 1 {
				close(started)
			}
			<-release
			return nil
		})
	})
	e.spy.renewed = make(chan incident.Lease, 100)
	e.start(t)
	e.enqueue(t, incident.JobBuildTranscript, "archive")
	<-started
	for step := 0; step < 15; step++ { // 15 thirds of the lease: five leases long
		waitFor(t, "the renewal timer", func() bool { return clock.Waiting() > 0 })
		clock.Advance(lease / 3)
		<-e.spy.renewed
		// Another worker (or process) trying now finds nothing claimable.
		if j, err := e.db.Claim(context.Background(), clock.Now(), lease, []incident.JobKind{incident.JobBuildTranscript}); err != nil || j != nil {
			t.Fatalf("after %s, a second claim got %v (%v): the lease was not held", time.Duration(step+1)*lease/3, j, err)
		}
	}
	close(release)
	waitFor(t, "the job done", func() bool { return e.job(t, "archive").State == incident.JobDone })
	if n := runs.Load(); n != 1 {
		t.Errorf("the handler ran %d times, want once", n)
	}
	if j := e.job(t, "archive"); j.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", j.Attempts)
	}
}

// A worker whose lease was taken over (its process stalled past the lease)
// stops its handler and records nothing: the newer attempt's outcome stands.
func TestLostLeaseRecordsNothing(t *testing.T) {
	clock := newTimerClock()
	const lease = time.Minute
	started, release := make(chan struct{}), make(chan struct{})
	var cancelled atomic.Bool
	e := newQueueEnv(t, clock, incident.RunnerConfig{Workers: 1, Lease: lease, Retention: -1}, func(r *incident.Runner) {
		r.Handle(incident.JobOpenChannel, func(ctx context.Context, j incident.Job) error {
			close(started)
			select {
			case <-ctx.Done():
				cancelled.Store(true)
			case <-release:
			}
			return errors.New("would park or retry over the newer attempt")
		})
	})
	e.spy.renewed = make(chan incident.Lease, 100)
	e.start(t)
	e.enqueue(t, incident.JobOpenChannel, "open")
	<-started
	// The lease lapses before the renewal fires (the process was stopped):
	// another worker claims the job and finishes it.
	other, err := e.db.Claim(context.Background(), clock.Now().Add(2*lease), lease, []incident.JobKind{incident.JobOpenChannel})
	if err != nil || other == nil {
		t.Fatalf("takeover claim: %v %v", other, err)
	}
	if err := e.db.Finish(context.Background(), other.Lease(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the renewal timer", func() bool { return clock.Waiting() > 0 })
	clock.Advance(lease / 3)
	<-e.spy.renewed
	waitFor(t, "the stale handler cancelled", cancelled.Load)
	e.stop()
	if j := e.job(t, "open"); j.State != incident.JobDone || j.LastError != "" {
		t.Errorf("job %s (%q), want done by the newer attempt, untouched by the stale one", j.State, j.LastError)
	}
}

// A store call that fails for a moment (SQLITE_BUSY on finish) is tried
// again, so the job is done at once instead of staying running until its
// lease lapses and running a second time.
func TestBusyFinishIsRetried(t *testing.T) {
	var runs atomic.Int32
	e := newQueueEnv(t, incident.SystemClock{}, incident.RunnerConfig{Workers: 2, Retention: -1}, func(r *incident.Runner) {
		r.Handle(incident.JobPost, func(ctx context.Context, j incident.Job) error { runs.Add(1); return nil })
	})
	e.spy.failFinish.Store(3)
	e.start(t)
	e.enqueue(t, incident.JobPost, "post")
	waitFor(t, "the job done", func() bool { return e.job(t, "post").State == incident.JobDone })
	if n, f := runs.Load(), e.spy.finishes.Load(); n != 1 || f != 4 {
		t.Errorf("handler ran %d times with %d finish calls, want 1 run and 4 calls (3 busy)", n, f)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
