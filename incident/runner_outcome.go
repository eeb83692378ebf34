package incident

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// RetryAfter is an error from an outside system that says when to come back
// (HTTP 429 with a reset header). The runner waits at least that long, and
// claims no job of the same backend before then.
type RetryAfter struct {
	After time.Duration
	Err   error
}

// Error implements error.
func (e *RetryAfter) Error() string { return fmt.Sprintf("%v (retry after %s)", e.Err, e.After) }

// Unwrap returns the cause.
func (e *RetryAfter) Unwrap() error { return e.Err }

// Classify tells how a job's failure is retried: transient (the kinds the
// integrations return for 5xx, 429, timeouts and refused connections, and
// the runner's own per-kind timeout), permanent (401, 403, 404, invalid
// input), or internal (unclassified).
func Classify(err error) Failure {
	var ra *RetryAfter
	switch ErrorKind(err) {
	case KindTransient:
		return FailureTransient
	case KindPermanent, KindInvalid, KindUnauthorized:
		return FailurePermanent
	}
	if errors.As(err, &ra) || errors.Is(err, context.DeadlineExceeded) {
		return FailureTransient
	}
	return FailureInternal
}

// verdict is what becomes of a job after an attempt.
type verdict struct {
	outcome string // done, retry, parked, interrupted
	retry   RetryAt
	park    Parking
}

// judge decides what becomes of job j after an attempt that returned err.
// stopping is true when the runner is shutting down.
func (r *Runner) judge(j Job, err error, stopping bool, now time.Time) verdict {
	if err == nil {
		return verdict{outcome: "done"}
	}
	since := now
	if j.FailingSince != nil {
		since = *j.FailingSince
	}
	if stopping {
		// Shutting down mid-job: leave it to be claimed again after restart.
		keep := time.Time{}
		if j.FailingSince != nil {
			keep = *j.FailingSince
		}
		return verdict{outcome: "interrupted", retry: RetryAt{RunAt: now, Reason: "interrupted by shutdown", Failure: j.Failure, FailingSince: keep}}
	}
	class := Classify(err)
	switch {
	case class == FailurePermanent:
		return verdict{outcome: "parked", park: Parking{Reason: err.Error(), Failure: class}}
	case class == FailureTransient && now.Sub(since) >= r.cfg.MaxAge:
		return verdict{outcome: "parked", park: Parking{Failure: class,
			Reason: fmt.Sprintf("still failing after %s (since %s), parked until %s answers again: %s",
				r.cfg.MaxAge, since.Format(time.RFC3339), j.Kind.Backend(), err)}}
	case class == FailureInternal && j.Attempts >= r.maxAttempts(j):
		return verdict{outcome: "parked", park: Parking{Failure: class,
			Reason: fmt.Sprintf("gave up after %d attempts: %s", j.Attempts, err)}}
	}
	return verdict{outcome: "retry", retry: RetryAt{RunAt: now.Add(r.backoff(j.Attempts, err)), Reason: err.Error(),
		Failure: class, FailingSince: since}}
}

func (r *Runner) maxAttempts(j Job) int {
	if j.MaxAttempts > 0 {
		return j.MaxAttempts
	}
	return r.cfg.MaxAttempts
}

// settle records the outcome of an attempt and returns its name.
func (r *Runner) settle(ctx context.Context, j Job, err error) string {
	done := context.WithoutCancel(ctx)
	now := r.clock.Now()
	log := r.log.With("job", j.ID, "kind", j.Kind, "incident_id", j.IncidentID, "attempt", j.Attempts)
	v := r.judge(j, err, ctx.Err() != nil, now)
	var ra *RetryAfter
	if errors.As(err, &ra) {
		r.block(j.Backend, now.Add(ra.After))
	}
	var serr error
	switch v.outcome {
	case "done":
		serr = r.persist(done, func() error { return r.q.Finish(done, j.Lease(), now) })
		if serr == nil {
			r.resume(done, j.Backend, now)
		}
	case "interrupted":
		serr = r.persist(done, func() error { return r.q.Retry(done, j.Lease(), v.retry, now) })
	case "retry":
		log.Warn("job failed; will retry", "err", err, "failure", v.retry.Failure,
			"in", v.retry.RunAt.Sub(now).Round(time.Millisecond), "failing_since", v.retry.FailingSince)
		serr = r.persist(done, func() error { return r.q.Retry(done, j.Lease(), v.retry, now) })
	case "parked":
		var parked bool
		serr = r.persist(done, func() (err error) { parked, err = r.q.Park(done, j.Lease(), v.park, now); return err })
		switch {
		case serr != nil:
			log.Error("job parked", "err", err)
		case !parked:
			v.outcome = "requeued"
			log.Warn("job failed while an earlier job of its lane was retried; it runs again after that one", "err", err)
		default:
			log.Error("job parked", "err", err, "failure", v.park.Failure)
			if v.park.Failure == FailureTransient {
				r.mu.Lock()
				r.parked[j.Backend] = true
				r.mu.Unlock()
			}
			if r.OnPark != nil {
				r.OnPark(done, j, v.park.Reason)
			}
		}
	}
	switch {
	case errors.Is(serr, ErrLeaseLost):
		log.Warn("job outcome not recorded: its lease was lost to a newer attempt", "outcome", v.outcome)
		return "lease_lost"
	case serr != nil:
		log.Error("record job outcome; it runs again when its lease lapses", "outcome", v.outcome, "err", serr)
		return "unrecorded"
	}
	return v.outcome
}

// persist runs a store call that records an outcome, trying again with a
// short backoff when it fails (a busy database) rather than leaving the job
// running until its lease lapses. The lease is renewed meanwhile.
func (r *Runner) persist(ctx context.Context, fn func() error) error {
	delay := 10 * time.Millisecond
	var err error
	for attempt := 1; attempt <= 12; attempt++ {
		if err = fn(); err == nil || errors.Is(err, ErrLeaseLost) {
			return err
		}
		r.log.Warn("record job outcome; trying again", "attempt", attempt, "in", delay, "err", err)
		<-r.timers.After(delay)
		delay = min(2*delay, 2*time.Second)
	}
	return err
}

// resumeBatch bounds one ResumeParked call; more follow on the next successes.
const resumeBatch = 500

// resume gives the jobs of backend parked for a transient failure another
// run, now that a job of that backend succeeded.
func (r *Runner) resume(ctx context.Context, backend string, now time.Time) {
	r.mu.Lock()
	maybe := r.parked[backend]
	r.mu.Unlock()
	if !maybe {
		return
	}
	n, err := r.q.ResumeParked(ctx, backend, resumeBatch, now)
	if err != nil {
		r.log.Warn("resume parked jobs", "backend", backend, "err", err)
		return
	}
	r.mu.Lock()
	r.parked[backend] = n == resumeBatch
	r.mu.Unlock()
	if n > 0 {
		r.log.Info("backend answers again: resumed its jobs parked for transient failures", "backend", backend, "jobs", n)
		if r.OnResume != nil {
			r.OnResume(backend, n)
		}
		r.Kick()
	}
}

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
