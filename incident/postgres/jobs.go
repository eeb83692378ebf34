package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/incident"
)

// Lanes. The head of a lane (head) is its oldest pending or running job;
// only heads are claimable. Every transaction that moves a lane's head
// (enqueue, finish, park, unpark) first takes the lane's advisory lock, so
// that replicas move it in turn and a lane never has two heads; it takes
// the lane lock before any row lock of the lane's jobs, and a claim takes
// no lane lock, so these transactions cannot deadlock each other.
//
// A claim picks its job with FOR UPDATE SKIP LOCKED: a job another
// replica is claiming at the same moment is skipped, not waited for, and
// one that replica claimed and committed no longer matches (READ COMMITTED
// checks the locked row's newest version), so each job goes to one worker.

// laneKey is the advisory lock key of a lane. A collision of two lanes
// only makes them take turns.
func laneKey(incidentID int64, lane string) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "warroom lane %d/%s", incidentID, lane)
	return int64(h.Sum64())
}

func lockLane(ctx context.Context, tx queryer, incidentID int64, lane string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, laneKey(incidentID, lane)); err != nil {
		return fmt.Errorf("lock lane %s of incident %d: %w", lane, incidentID, err)
	}
	return nil
}

// laneLocks is what a transaction knows of its lane locks: the lanes it
// locked, and the incidents it created (their lanes need no lock). A nil
// laneLocks knows nothing, and every enqueue locks.
type laneLocks map[laneLock]bool

type laneLock struct {
	incident int64
	lane     string // "" for every lane of an incident created here
}

func (l laneLocks) held(incidentID int64, lane string) bool {
	return l[laneLock{incidentID, lane}] || l[laneLock{incidentID, ""}]
}

func (l laneLocks) hold(incidentID int64, lane string) {
	if l != nil {
		l[laneLock{incidentID, lane}] = true
	}
}

// relane makes the lane's oldest pending or running job its head. The
// caller holds the lane's lock.
func relane(ctx context.Context, tx queryer, incidentID int64, lane string) error {
	// Two statements, the old head's first: the unique jobs_lane_head is
	// checked row by row.
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET head = false WHERE incident_id = ? AND lane = ? AND head
		AND id IS DISTINCT FROM (SELECT min(id) FROM jobs WHERE incident_id = ? AND lane = ? AND state IN ('pending', 'running'))`,
		incidentID, lane, incidentID, lane); err != nil {
		return fmt.Errorf("move head of lane %s of incident %d: %w", lane, incidentID, err)
	}
	return nextHead(ctx, tx, incidentID, lane)
}

// nextHead makes the lane's oldest pending or running job its head when
// the lane has no head: what is left to do after the head itself left
// (finished or parked, head = false in the same transaction). A lane
// whose head is still there is left as it is: the head is its oldest job
// (every transaction that moves heads keeps it so). The caller holds the
// lane's lock.
func nextHead(ctx context.Context, tx queryer, incidentID int64, lane string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET head = true WHERE NOT head
		AND id = (SELECT min(id) FROM jobs WHERE incident_id = ? AND lane = ? AND state IN ('pending', 'running'))`,
		incidentID, lane); err != nil {
		return fmt.Errorf("move head of lane %s of incident %d: %w", lane, incidentID, err)
	}
	return nil
}

const jobColumns = `id, kind, backend, incident_id, key, coalesce(payload, ''), state, attempts, max_attempts, run_at, last_error,
	failure, failing_since, token, created_at, updated_at`

func scanJob(row scanner) (*incident.Job, error) {
	var j incident.Job
	var kind, state, payload, failure string
	var runAt, created, updated int64
	var since sql.NullInt64
	if err := row.Scan(&j.ID, &kind, &j.Backend, &j.IncidentID, &j.Key, &payload, &state, &j.Attempts, &j.MaxAttempts,
		&runAt, &j.LastError, &failure, &since, &j.Token, &created, &updated); err != nil {
		return nil, err
	}
	j.Kind, j.State, j.Failure = incident.JobKind(kind), incident.JobState(state), incident.Failure(failure)
	if payload != "" {
		j.Payload = []byte(payload)
	}
	if since.Valid {
		t := fromNanos(since.Int64)
		j.FailingSince = &t
	}
	j.RunAt, j.CreatedAt, j.UpdatedAt = fromNanos(runAt), fromNanos(created), fromNanos(updated)
	return &j, nil
}

// claimQuery claims in one statement: first a running job whose lease
// lapsed (its worker died or hung), else the earliest due head among the
// kinds, found with one seek in jobs_head_due per kind (one kind's sorted
// heads, not all kinds' heads sorted: a claim costs the same whatever the
// backlog).
const claimQuery = `UPDATE jobs SET state = 'running', attempts = attempts + 1, token = token + 1, locked_until = ?, updated_at = ?
	WHERE id = coalesce(
		(SELECT id FROM jobs WHERE state = 'running' AND locked_until <= ? AND kind = ANY(?)
			ORDER BY locked_until LIMIT 1 FOR UPDATE SKIP LOCKED),
		(SELECT c.id FROM unnest(?::text[]) AS k (kind) CROSS JOIN LATERAL (
			SELECT j.id, j.run_at FROM jobs j WHERE j.head AND j.state = 'pending' AND j.kind = k.kind AND j.run_at <= ?
			ORDER BY j.run_at, j.id LIMIT 1 FOR UPDATE SKIP LOCKED) c
		ORDER BY c.run_at, c.id LIMIT 1))
	RETURNING ` + jobColumns

// Claim leases the next runnable job: the head of its lane, pending and
// due, or a running job whose lease lapsed. Each claim gets a new token.
func (s *DB) Claim(ctx context.Context, now time.Time, lease time.Duration, kinds []incident.JobKind) (*incident.Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	job, err := scanJob(s.q().QueryRowContext(ctx, claimQuery, nanos(now.Add(lease)), nanos(now), nanos(now), names, names, nanos(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, storeError("claim job", err)
	}
	s.claimed.put(job)
	return job, nil
}

// jobLane returns the incident and lane of a job (which never change), so
// that a transaction can take the lane's lock before the job's row lock:
// from what this store's claims handed out (claimed), else from the row.
func (s *DB) jobLane(ctx context.Context, tx queryer, what string, id int64) (int64, string, error) {
	if l, ok := s.claimed.take(id); ok {
		return l.incident, l.lane, nil
	}
	var inc int64
	var lane string
	err := tx.QueryRowContext(ctx, `SELECT incident_id, lane FROM jobs WHERE id = ?`, id).Scan(&inc, &lane)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("%s job %d: %w", what, id, incident.ErrLeaseLost)
	}
	if err != nil {
		return 0, "", fmt.Errorf("%s job %d: %w", what, id, err)
	}
	return inc, lane, nil
}

// claimedLanes remembers the lane of each job this store claimed, until
// its outcome is recorded: a finish or a park then saves the statement
// that would read it. It forgets everything past maxClaimed entries (jobs
// claimed whose outcome never came: the reading falls back to the row).
type claimedLanes struct {
	m sync.Map // job id -> laneLock
	n atomic.Int64
}

const maxClaimed = 10000

func (c *claimedLanes) put(j *incident.Job) {
	if c.n.Add(1) > maxClaimed {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(j.ID, laneLock{incident: j.IncidentID, lane: j.Kind.Lane()})
}

func (c *claimedLanes) take(id int64) (laneLock, bool) {
	v, ok := c.m.LoadAndDelete(id)
	if !ok {
		return laneLock{}, false
	}
	c.n.Add(-1)
	return v.(laneLock), true
}

// held runs an update of a running job under its lease; ErrLeaseLost when
// the lease is not the newest.
func held(ctx context.Context, tx queryer, what string, l incident.Lease, set string, args ...any) error {
	args = append(args, l.ID, l.Token)
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET `+set+` WHERE id = ? AND token = ? AND state = 'running'`, args...)
	if err != nil {
		return fmt.Errorf("%s job %d: %w", what, l.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("%s job %d: %w", what, l.ID, incident.ErrLeaseLost)
	}
	return nil
}

// Renew extends a held lease.
func (s *DB) Renew(ctx context.Context, l incident.Lease, until time.Time) error {
	// One statement: atomic without a transaction around it.
	return storeError("renew", held(ctx, s.q(), "renew", l, `locked_until = ?`, nanos(until)))
}

// Finish marks a job done and moves its lane's head on: one statement,
// warroom_finish_job (migration 0013), under the lane's lock.
func (s *DB) Finish(ctx context.Context, l incident.Lease, now time.Time) error {
	inc, lane, err := s.jobLane(ctx, s.q(), "finish", l.ID)
	if err != nil {
		return storeError("finish", err)
	}
	var ok bool
	if err := s.q().QueryRowContext(ctx, `SELECT warroom_finish_job(?, ?, ?, ?)`, l.ID, l.Token, laneKey(inc, lane), nanos(now)).Scan(&ok); err != nil {
		return storeError("finish", fmt.Errorf("finish job %d: %w", l.ID, err))
	}
	if !ok {
		return fmt.Errorf("finish job %d: %w", l.ID, incident.ErrLeaseLost)
	}
	return nil
}

// Retry puts a job back to run at r.RunAt, keeping why it failed. It stays
// its lane's head if it was.
func (s *DB) Retry(ctx context.Context, l incident.Lease, r incident.RetryAt, now time.Time) error {
	var since any
	if !r.FailingSince.IsZero() {
		since = nanos(r.FailingSince)
	}
	s.claimed.take(l.ID) // claimed again later, maybe elsewhere
	return storeError("retry", held(ctx, s.q(), "retry", l, `state = 'pending', locked_until = NULL, run_at = ?, last_error = ?,
		failure = ?, failing_since = ?, updated_at = ?`, nanos(r.RunAt), r.Reason, string(r.Failure), since, nanos(now)))
}

// Park stops retrying a job and keeps the reason. A job that is not its
// lane's head (an earlier job of the lane was retried by the operator
// meanwhile) is put back to wait for it instead; Park reports whether the
// job was parked.
func (s *DB) Park(ctx context.Context, l incident.Lease, p incident.Parking, now time.Time) (bool, error) {
	parked := false
	err := s.tx(ctx, func(tx q) error {
		parked = false
		inc, lane, err := s.jobLane(ctx, tx, "park", l.ID)
		if err != nil {
			return err
		}
		if err := lockLane(ctx, tx, inc, lane); err != nil {
			return err
		}
		var head bool
		if err := tx.QueryRowContext(ctx, `SELECT head FROM jobs WHERE id = ?`, l.ID).Scan(&head); err != nil {
			return fmt.Errorf("park job %d: %w", l.ID, err)
		}
		if !head {
			return held(ctx, tx, "requeue", l, `state = 'pending', locked_until = NULL, run_at = ?, last_error = ?, updated_at = ?`,
				nanos(now), p.Reason, nanos(now))
		}
		if err := held(ctx, tx, "park", l, `state = 'parked', head = false, locked_until = NULL, last_error = ?, failure = ?,
			updated_at = ?`, p.Reason, string(p.Failure), nanos(now)); err != nil {
			return err
		}
		parked = true
		return relane(ctx, tx, inc, lane)
	})
	return parked && err == nil, err
}

// ReleaseOrphans releases nothing and returns 0. On SQLite every running
// job at start is an orphan of the one process's previous run; here the
// running jobs may be other replicas' live claims, and a dead replica's
// are claimed again once their leases lapse (Claim), with a new token.
func (s *DB) ReleaseOrphans(ctx context.Context) (int64, error) { return 0, nil }
