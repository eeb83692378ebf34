package incident

import (
	"context"
	"time"
)

// JobQueue is the store side of the durable jobs.
//
// Jobs of one incident and lane run in the order they were enqueued: only
// the head of a lane (its oldest pending or running job) is claimable, so a
// claim costs the same whatever the backlog. A parked job leaves its lane,
// so the jobs behind it run (and usually say why they cannot).
//
// Every call that records an outcome takes the Lease of the claim it
// answers and fails with an error wrapping ErrLeaseLost when that claim is
// no longer the job's newest (its lease lapsed and another worker claimed
// it), so a late worker never overwrites a newer attempt.
type JobQueue interface {
	// Claim leases the next runnable job of one of kinds: the head of its
	// lane, pending and due, or running with a lapsed lease (its worker died).
	// It returns nil, nil when none is runnable. The job's Token fences the claim.
	Claim(ctx context.Context, now time.Time, lease time.Duration, kinds []JobKind) (*Job, error)
	// Renew extends a held lease to until.
	Renew(ctx context.Context, l Lease, until time.Time) error
	// Finish marks the job done; the next job of its lane becomes the head.
	Finish(ctx context.Context, l Lease, now time.Time) error
	// Retry puts the job back to run at r.RunAt, keeping why it failed.
	Retry(ctx context.Context, l Lease, r RetryAt, now time.Time) error
	// Park stops retrying the job. It reports false when the job was put
	// back instead to wait for an earlier job of its lane that was retried
	// meanwhile.
	Park(ctx context.Context, l Lease, p Parking, now time.Time) (bool, error)
	// ResumeParked makes up to limit jobs of backend that were parked for a
	// transient failure pending again, with their lanes in order, and
	// returns how many.
	ResumeParked(ctx context.Context, backend string, limit int, now time.Time) (int, error)
}

// RetryAt is how a failed attempt is put back.
type RetryAt struct {
	RunAt        time.Time
	Reason       string
	Failure      Failure   // "" for an attempt that did not fail (shutdown)
	FailingSince time.Time // zero when the job is not failing
}

// Parking is why a job stops being retried.
type Parking struct {
	Reason  string
	Failure Failure
}

// JobPruner deletes finished jobs. A queue that implements it has its done
// jobs pruned by the Runner after RunnerConfig.Retention.
type JobPruner interface {
	// PruneJobs deletes up to limit done jobs last updated before before,
	// in one short transaction, and returns how many it deleted.
	PruneJobs(ctx context.Context, before time.Time, limit int) (int, error)
}

// ErrLeaseLost is wrapped by the JobQueue calls of a worker whose claim is
// no longer the job's newest.
var ErrLeaseLost = &Error{Kind: KindConflict, Message: "the job's lease was lost: another attempt holds it"}

// Timers is a Clock that can also wake a waiter. The Runner times lease
// renewals and store retries with it when its clock is one (SystemClock
// is; a test injects a fake and steps it).
type Timers interface {
	Clock
	After(d time.Duration) <-chan time.Time
}

// After waits for d on the wall clock.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
