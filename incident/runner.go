package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// JobQueue is the store side of the durable jobs. Claim leases the next
// runnable job: pending, due, of one of kinds, and with no earlier unfinished
// job of the same incident and lane, so an incident's jobs keep their order.
type JobQueue interface {
	Claim(ctx context.Context, now time.Time, lease time.Duration, kinds []JobKind) (*Job, error)
	Finish(ctx context.Context, id int64, now time.Time) error
	Retry(ctx context.Context, id int64, runAt time.Time, reason string, now time.Time) error
	// Park stops retrying a job. It reports false when the job was put back
	// to wait for an earlier job of its lane that was retried meanwhile.
	Park(ctx context.Context, id int64, reason string, now time.Time) (bool, error)
}

// JobHandler runs one job. It must be idempotent: after a crash it runs again.
type JobHandler func(ctx context.Context, j Job) error

// RunnerConfig tunes the Runner.
type RunnerConfig struct {
	Workers     int           // jobs run at once; default 2
	MaxAttempts int           // tries before a job is parked; default 20
	BaseDelay   time.Duration // first retry delay; default 1s
	MaxDelay    time.Duration // retry delay cap; default 5m
	Lease       time.Duration // how long a claim lasts without renewal; default 5m
	Poll        time.Duration // idle polling interval; default 1s
	Paused      []JobKind     // kinds not run (operator pause); later jobs of the same lane wait
}

// Runner claims jobs from the queue and runs their handlers, retrying with
// exponential backoff and full jitter, and parks a job with its reason after
// its last attempt or on a permanent error.
type Runner struct {
	q        JobQueue
	cfg      RunnerConfig
	clock    Clock
	log      *slog.Logger
	handlers map[JobKind]JobHandler
	kick     chan struct{}
	// OnPark is called after a job is parked, to make the reason visible.
	OnPark func(ctx context.Context, j Job, reason string)
	// Observe is called after every attempt with its outcome (done, retry,
	// parked, requeued, interrupted).
	Observe func(kind JobKind, outcome string, d time.Duration)
}

// NewRunner builds a Runner.
func NewRunner(q JobQueue, cfg RunnerConfig, clock Clock, log *slog.Logger) *Runner {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 20
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 5 * time.Minute
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	return &Runner{q: q, cfg: cfg, clock: clock, log: log, handlers: map[JobKind]JobHandler{}, kick: make(chan struct{}, 1)}
}

// Handle registers the handler for a kind.
func (r *Runner) Handle(kind JobKind, h JobHandler) { r.handlers[kind] = h }

// Kick wakes the workers: new jobs were enqueued.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled.
func (r *Runner) Run(ctx context.Context) {
	kinds := make([]JobKind, 0, len(r.handlers))
	for k := range r.handlers {
		if !containsKind(r.cfg.Paused, k) {
			kinds = append(kinds, k)
		}
	}
	var wg sync.WaitGroup
	for range r.cfg.Workers {
		wg.Go(func() { r.work(ctx, kinds) })
	}
	wg.Wait()
}

func (r *Runner) work(ctx context.Context, kinds []JobKind) {
	for ctx.Err() == nil {
		j, err := r.q.Claim(ctx, r.clock.Now(), r.cfg.Lease, kinds)
		if err != nil && ctx.Err() == nil {
			r.log.Error("claim job", "err", err)
		}
		if j == nil {
			select {
			case <-ctx.Done():
			case <-r.kick:
			case <-time.After(r.cfg.Poll):
			}
			continue
		}
		r.runOne(ctx, *j)
		r.Kick() // the next job of this incident may be runnable now
	}
}

// runOne runs a job and records its outcome. The outcome is written with a
// context that survives shutdown, so a finished job is not run again.
func (r *Runner) runOne(ctx context.Context, j Job) {
	start := time.Now()
	err := r.call(ctx, j)
	done := context.WithoutCancel(ctx)
	now := r.clock.Now()
	log := r.log.With("job", j.ID, "kind", j.Kind, "incident_id", j.IncidentID, "attempt", j.Attempts)
	outcome := "done"
	switch {
	case err == nil:
		if ferr := r.q.Finish(done, j.ID, now); ferr != nil {
			log.Error("finish job", "err", ferr)
		}
	case ctx.Err() != nil:
		// Shutting down mid-job: leave it to be claimed again after restart.
		outcome = "interrupted"
		if rerr := r.q.Retry(done, j.ID, now, "interrupted by shutdown", now); rerr != nil {
			log.Error("release job", "err", rerr)
		}
	case ErrorKind(err) == KindPermanent || ErrorKind(err) == KindInvalid || j.Attempts >= r.maxAttempts(j):
		outcome = "parked"
		reason := err.Error()
		if ErrorKind(err) != KindPermanent && ErrorKind(err) != KindInvalid {
			reason = fmt.Sprintf("gave up after %d attempts: %s", j.Attempts, reason)
		}
		parked, perr := r.q.Park(done, j.ID, reason, now)
		switch {
		case perr != nil:
			log.Error("job parked", "err", err)
			log.Error("park job", "err", perr)
		case !parked:
			outcome = "requeued"
			log.Warn("job failed while an earlier job of its lane was retried; it runs again after that one", "err", err)
		default:
			log.Error("job parked", "err", err)
		}
		if parked && r.OnPark != nil {
			r.OnPark(done, j, reason)
		}
	default:
		outcome = "retry"
		delay := r.backoff(j.Attempts, err)
		log.Warn("job failed; will retry", "err", err, "in", delay.Round(time.Millisecond))
		if rerr := r.q.Retry(done, j.ID, now.Add(delay), err.Error(), now); rerr != nil {
			log.Error("reschedule job", "err", rerr)
		}
	}
	if r.Observe != nil {
		r.Observe(j.Kind, outcome, time.Since(start))
	}
}

func (r *Runner) maxAttempts(j Job) int {
	if j.MaxAttempts > 0 {
		return j.MaxAttempts
	}
	return r.cfg.MaxAttempts
}

// call runs the handler, turning a panic into an error so that one bad job
// cannot take the worker down.
func (r *Runner) call(ctx context.Context, j Job) (err error) {
	h, ok := r.handlers[j.Kind]
	if !ok {
		return Errorf(KindPermanent, "no handler for job kind %q", j.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked: %v", j.Kind, p)
		}
	}()
	return h(ctx, j)
}

// RetryAfter is an error from an outside system that says when to come back
// (HTTP 429 with a reset header). The runner waits at least that long.
type RetryAfter struct {
	After time.Duration
	Err   error
}

// Error implements error.
func (e *RetryAfter) Error() string { return fmt.Sprintf("%v (retry after %s)", e.Err, e.After) }

// Unwrap returns the cause.
func (e *RetryAfter) Unwrap() error { return e.Err }

// backoff is exponential with full jitter, capped, and never shorter than
// what the outside system asked for.
func (r *Runner) backoff(attempt int, err error) time.Duration {
	d := r.cfg.BaseDelay << min(attempt-1, 20)
	if d > r.cfg.MaxDelay || d <= 0 {
		d = r.cfg.MaxDelay
	}
	d = d/2 + rand.N(d/2+1)
	var ra *RetryAfter
	if errors.As(err, &ra) && ra.After > d {
		d = ra.After
	}
	return d
}

func containsKind(list []JobKind, k JobKind) bool {
	for _, v := range list {
		if v == k {
			return true
		}
	}
	return false
}
