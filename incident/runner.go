package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// JobHandler runs one job. It must be idempotent: after a crash it runs again.
type JobHandler func(ctx context.Context, j Job) error

// RunnerConfig tunes the Runner.
type RunnerConfig struct {
	Workers     int            // jobs run at once; default 16
	MaxAttempts int            // tries of an unclassified failure before it parks; default 20
	MaxAge      time.Duration  // how long a transient failure is retried before it parks; default 24h
	BaseDelay   time.Duration  // first retry delay; default 1s
	MaxDelay    time.Duration  // retry delay cap; default 5m
	Lease       time.Duration  // how long a claim lasts unrenewed; renewed every third of it; default 1m
	Poll        time.Duration  // idle polling interval; default 1s
	Paused      []JobKind      // kinds not run (operator pause); later jobs of the same lane wait
	Limits      map[string]int // jobs of a backend run at once, by backend; default Workers
	Timeouts    map[JobKind]time.Duration
	Retention   time.Duration // done jobs are pruned after this; default 7 days, negative keeps them
	PruneEvery  time.Duration // how often to prune; default 1m
	PruneBatch  int           // jobs deleted per transaction; default 500
	// Inflow, when set, makes the runner yield to inbound alerts (see
	// Inflow): while requests are in flight, only BurstWorkers of its
	// workers claim jobs, for at most BurstHold of a burst.
	Inflow       *Inflow
	BurstWorkers int           // workers that run during a burst; default 2, at most Workers
	BurstHold    time.Duration // the longest a burst holds the others back; default 10s
}

// Runner claims jobs from the queue and runs their handlers under a
// renewed lease and a per-kind timeout. Transient failures retry with
// capped, jittered exponential backoff until MaxAge; permanent ones park at
// once with their reason; a backend that answers again resumes its jobs
// parked for transient failures.
type Runner struct {
	q        JobQueue
	cfg      RunnerConfig
	clock    Clock
	timers   Timers
	log      *slog.Logger
	handlers map[JobKind]JobHandler
	kick     chan struct{}

	mu       sync.Mutex
	inflight map[string]int       // running jobs by backend
	blocked  map[string]time.Time // backend -> no claims before (a 429's Retry-After)
	parked   map[string]bool      // backend -> may have jobs parked for a transient failure

	// OnPark is called after a job is parked, to make the reason visible.
	OnPark func(ctx context.Context, j Job, reason string)
	// Observe is called after every attempt with its outcome (done, retry,
	// parked, requeued, interrupted, lease_lost, unrecorded).
	Observe func(kind JobKind, outcome string, d time.Duration)
	// OnResume is called when parked jobs of a backend were resumed.
	OnResume func(backend string, n int)
	// OnPrune is called with the number of done jobs pruned.
	OnPrune func(n int)
	// PruneApart keeps Run from pruning: the caller runs Prune itself, on
	// one replica at a time. Set it before Run.
	PruneApart bool
	// Search, when set, is the store's search index written after the
	// commit: Run writes what it queues (indexSearch). Set it before Run.
	Search SearchQueue
}

// NewRunner builds a Runner. When clock is also Timers, renewals and store
// retries are timed by it.
func NewRunner(q JobQueue, cfg RunnerConfig, clock Clock, log *slog.Logger) *Runner {
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 20
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 24 * time.Hour
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 5 * time.Minute
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Retention == 0 {
		cfg.Retention = 7 * 24 * time.Hour
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = time.Minute
	}
	if cfg.PruneBatch <= 0 {
		cfg.PruneBatch = 500
	}
	if cfg.BurstWorkers <= 0 {
		cfg.BurstWorkers = 2
	}
	cfg.BurstWorkers = min(cfg.BurstWorkers, cfg.Workers)
	if cfg.BurstHold <= 0 {
		cfg.BurstHold = 10 * time.Second
	}
	timers, ok := clock.(Timers)
	if !ok {
		timers = wallTimers{clock}
	}
	parked := map[string]bool{}
	for _, b := range JobBackends() {
		parked[b] = true // unknown until the first resume finds none
	}
	return &Runner{q: q, cfg: cfg, clock: clock, timers: timers, log: log, handlers: map[JobKind]JobHandler{},
		kick: make(chan struct{}, 1), inflight: map[string]int{}, blocked: map[string]time.Time{}, parked: parked}
}

type wallTimers struct{ Clock }

func (wallTimers) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Handle registers the handler for a kind. The kind must be one of
// JobKinds: a kind missing there would be refused by jobs.paused and have
// no lane, backend or timeout.
func (r *Runner) Handle(kind JobKind, h JobHandler) {
	if _, ok := kind.Spec(); !ok {
		panic(fmt.Sprintf("job kind %q is not registered in incident.jobKinds", kind))
	}
	r.handlers[kind] = h
}

// Kinds lists the kinds that have a handler.
func (r *Runner) Kinds() []JobKind {
	var out []JobKind
	for _, k := range JobKinds() {
		if r.handlers[k] != nil {
			out = append(out, k)
		}
	}
	return out
}

// Kick wakes the workers: new jobs were enqueued.
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled; with Search set, it also writes the
// search index the store defers (indexSearch).
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range r.cfg.Workers {
		yields := i >= r.cfg.BurstWorkers
		wg.Go(func() { r.work(ctx, yields) })
	}
	if !r.PruneApart && r.Prunes() {
		wg.Go(func() { r.Prune(ctx) })
	}
	if r.Search != nil {
		wg.Go(func() { r.indexSearch(ctx, r.Search) })
	}
	wg.Wait()
}

// Prunes reports whether the Runner prunes done jobs: its queue is a
// JobPruner and jobs.retention keeps them for a while only.
func (r *Runner) Prunes() bool {
	_, ok := r.q.(JobPruner)
	return ok && r.cfg.Retention > 0
}

// Prune deletes done jobs past the retention every PruneEvery until ctx
// ends (see Prunes; with PruneApart the caller runs it).
func (r *Runner) Prune(ctx context.Context) {
	if p, ok := r.q.(JobPruner); ok && r.cfg.Retention > 0 {
		r.prune(ctx, p)
	}
}

func (r *Runner) work(ctx context.Context, yields bool) {
	for ctx.Err() == nil {
		if yields {
			r.yield(ctx)
		}
		j, err := r.claim(ctx)
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
		r.release(j.Backend)
		r.Kick() // the next job of this lane may be runnable now
	}
}

// yield waits while inbound requests are in flight (Inflow), for at most
// what is left of the burst's BurstHold.
func (r *Runner) yield(ctx context.Context) {
	if r.cfg.Inflow == nil {
		return
	}
	busy, since, quiet := r.cfg.Inflow.burst()
	left := r.cfg.BurstHold - r.clock.Now().Sub(since)
	if !busy || left <= 0 {
		return
	}
	select {
	case <-ctx.Done():
	case <-quiet:
	case <-r.timers.After(left):
	}
}

// claim leases a job of a kind whose backend has a free slot and is not
// waiting out a 429. Claims are serialized, so the slots hold.
func (r *Runner) claim(ctx context.Context) (*Job, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clock.Now()
	var kinds []JobKind
	for _, k := range r.Kinds() {
		b := k.Backend()
		if containsKind(r.cfg.Paused, k) || r.blocked[b].After(now) || r.inflight[b] >= r.limit(b) {
			continue
		}
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return nil, nil
	}
	j, err := r.q.Claim(ctx, now, r.cfg.Lease, kinds)
	if j != nil {
		j.Backend = j.Kind.Backend()
		r.inflight[j.Backend]++
	}
	return j, err
}

func (r *Runner) release(backend string) {
	r.mu.Lock()
	r.inflight[backend]--
	r.mu.Unlock()
}

func (r *Runner) limit(backend string) int {
	if n := r.cfg.Limits[backend]; n > 0 {
		return n
	}
	return r.cfg.Workers
}

func (r *Runner) timeout(k JobKind) time.Duration {
	if d := r.cfg.Timeouts[k]; d > 0 {
		return d
	}
	s, _ := k.Spec()
	return s.Timeout
}

// block stops claims of a backend until t (it answered 429).
func (r *Runner) block(backend string, t time.Time) {
	r.mu.Lock()
	if t.After(r.blocked[backend]) {
		r.blocked[backend] = t
	}
	r.mu.Unlock()
}

// errLeaseLost cancels a handler whose lease was lost.
var errLeaseLost = errors.New("lease lost")

// runOne runs a job under its lease and records its outcome. The outcome is
// written with a context that survives shutdown, so a finished job is not
// run again.
func (r *Runner) runOne(ctx context.Context, j Job) {
	start := time.Now()
	hctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopRenew := r.keepLease(hctx, j, cancel)
	tctx, tcancel := context.WithTimeout(hctx, r.timeout(j.Kind))
	err := r.call(tctx, j)
	if err != nil && tctx.Err() == context.DeadlineExceeded && hctx.Err() == nil {
		err = Errorf(KindTransient, "%s did not finish within its %s timeout: %w", j.Kind, r.timeout(j.Kind), err)
	}
	tcancel()
	var outcome string
	if context.Cause(hctx) == errLeaseLost {
		outcome = "lease_lost"
		r.log.Warn("job lease lost while it ran; the newer attempt records the outcome", "job", j.ID, "kind", j.Kind)
	} else {
		outcome = r.settle(ctx, j, err)
	}
	stopRenew()
	if r.Observe != nil {
		r.Observe(j.Kind, outcome, time.Since(start))
	}
}

// keepLease renews the job's lease every third of it until stopped, and
// cancels the handler when the lease is lost.
func (r *Runner) keepLease(ctx context.Context, j Job, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		rctx := context.WithoutCancel(ctx)
		for {
			select {
			case <-done:
				return
			case <-r.timers.After(r.cfg.Lease / 3):
			}
			err := r.q.Renew(rctx, j.Lease(), r.clock.Now().Add(r.cfg.Lease))
			switch {
			case errors.Is(err, ErrLeaseLost):
				cancel(errLeaseLost)
				return
			case err != nil:
				r.log.Warn("renew job lease; trying again", "job", j.ID, "kind", j.Kind, "err", err)
			}
		}
	})
	return func() { close(done); wg.Wait() }
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

// prune deletes done jobs past the retention in small batches, each its
// own short transaction, so claims interleave.
func (r *Runner) prune(ctx context.Context, p JobPruner) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.timers.After(r.cfg.PruneEvery):
		}
		total := 0
		for ctx.Err() == nil {
			n, err := p.PruneJobs(ctx, r.clock.Now().Add(-r.cfg.Retention), r.cfg.PruneBatch)
			if err != nil {
				if ctx.Err() == nil {
					r.log.Warn("prune done jobs; trying again later", "err", err)
				}
				break
			}
			total += n
			if n < r.cfg.PruneBatch {
				break
			}
		}
		if total > 0 {
			r.log.Info("pruned done jobs", "jobs", total, "older_than", r.cfg.Retention)
			if r.OnPrune != nil {
				r.OnPrune(total)
			}
		}
	}
}

func containsKind(list []JobKind, k JobKind) bool {
	for _, v := range list {
		if v == k {
			return true
		}
	}
	return false
}

// maxRunDue bounds RunDue, so that a handler that keeps enqueuing due jobs
// fails the test instead of hanging it.
const maxRunDue = 10000

// RunDue claims and runs, one at a time in the caller's goroutine, every
// job due at the clock's now (and every job those make due) until none is
// due, and returns the jobs it ran in order, as claimed. It is the
// deterministic step for tests on a fake clock: advance the clock, then
// RunDue, instead of waiting on the wall clock for workers to settle.
// Failed attempts are judged as Run judges them (a retry is due later, so
// it is not run again until the clock passes it). Do not call it while Run
// is running.
func (r *Runner) RunDue(ctx context.Context) ([]Job, error) {
	var ran []Job
	for len(ran) < maxRunDue {
		j, err := r.claim(ctx)
		if err != nil || j == nil {
			return ran, err
		}
		r.runOne(ctx, *j)
		r.release(j.Backend)
		ran = append(ran, *j)
	}
	return ran, fmt.Errorf("run due jobs: still more due after %d; does a handler enqueue due jobs forever?", maxRunDue)
}
