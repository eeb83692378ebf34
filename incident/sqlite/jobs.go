package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Lanes. The head of a lane (head = 1) is its oldest pending or running
// job; only heads are claimable, through the partial index jobs_head_due,
// so claims do not scan the backlog. Every statement that moves a job into
// or out of pending/running keeps the head in the same transaction.
//
// The job writes (claim, renew, finish, retry, park) go through the group
// commit with the hook writes (commit.go), each under its own savepoint, on
// the statements prepared once: in a storm sixteen workers' finishes and
// the hooks' writes share one commit instead of queueing for the one
// writer connection a transaction each.

func enqueue(ctx context.Context, q queryer, j incident.Job, now time.Time) error {
	runAt := j.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	var payload any
	if len(j.Payload) > 0 {
		payload = string(j.Payload)
	}
	lane := j.Kind.Lane()
	res, err := q.ExecContext(ctx, `INSERT INTO jobs (kind, backend, incident_id, lane, key, payload, state, max_attempts, run_at, created_at, updated_at)
		VALUES (?,?,?,?,?,?,'pending',?,?,?,?) ON CONFLICT (key) DO NOTHING`,
		string(j.Kind), j.Kind.Backend(), j.IncidentID, lane, j.Key, payload, j.MaxAttempts, nanos(runAt), nanos(now), nanos(now))
	if err != nil {
		return fmt.Errorf("enqueue %s job %q: %w", j.Kind, j.Key, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // already enqueued
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	// The newest job of a lane is its head only when the lane has none.
	if _, err := q.ExecContext(ctx, `UPDATE jobs SET head = 1 WHERE id = ?
		AND NOT EXISTS (SELECT 1 FROM jobs WHERE incident_id = ? AND lane = ? AND head = 1)`, id, j.IncidentID, lane); err != nil {
		return fmt.Errorf("enqueue %s job %q: lane head: %w", j.Kind, j.Key, err)
	}
	return nil
}

// relane makes the lane's oldest pending or running job its head. Each
// lookup is one seek in jobs_lane, however deep the lane.
func relane(ctx context.Context, q queryer, incidentID int64, lane string) error {
	var want sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT min(id) FROM (
		SELECT min(id) AS id FROM jobs WHERE incident_id = ? AND lane = ? AND state = 'pending'
		UNION ALL SELECT min(id) FROM jobs WHERE incident_id = ? AND lane = ? AND state = 'running')`,
		incidentID, lane, incidentID, lane).Scan(&want)
	if err != nil {
		return fmt.Errorf("find head of lane %s of incident %d: %w", lane, incidentID, err)
	}
	var cur int64
	err = q.QueryRowContext(ctx, `SELECT id FROM jobs WHERE incident_id = ? AND lane = ? AND head = 1`, incidentID, lane).Scan(&cur)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read head of lane %s of incident %d: %w", lane, incidentID, err)
	}
	if want.Valid && cur == want.Int64 {
		return nil
	}
	if cur != 0 {
		if _, err := q.ExecContext(ctx, `UPDATE jobs SET head = 0 WHERE id = ?`, cur); err != nil {
			return fmt.Errorf("move head of lane %s of incident %d: %w", lane, incidentID, err)
		}
	}
	if want.Valid {
		if _, err := q.ExecContext(ctx, `UPDATE jobs SET head = 1 WHERE id = ?`, want.Int64); err != nil {
			return fmt.Errorf("move head of lane %s of incident %d: %w", lane, incidentID, err)
		}
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

// claimQuery finds the next runnable job of n kinds: first a running job
// whose lease lapsed (its worker died or hung), else the earliest due head
// among the kinds, one seek in jobs_head_due per kind.
func claimQuery(n int) string {
	marks := strings.TrimSuffix(strings.Repeat("?,", n), ",")
	heads := make([]string, n)
	for i := range heads {
		heads[i] = `SELECT * FROM (SELECT id, run_at FROM jobs WHERE head = 1 AND state = 'pending' AND kind = ? AND run_at <= ?
			ORDER BY run_at, id LIMIT 1)`
	}
	return `SELECT id FROM (SELECT id FROM jobs INDEXED BY jobs_lapsed WHERE state = 'running' AND locked_until <= ? AND kind IN (` + marks + `)
			ORDER BY locked_until LIMIT 1)
		UNION ALL SELECT id FROM (SELECT id, run_at FROM (` + strings.Join(heads, " UNION ALL ") + `) ORDER BY run_at, id LIMIT 1)
		LIMIT 1`
}

func claimArgs(now time.Time, kinds []incident.JobKind) []any {
	args := []any{nanos(now)}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	for _, k := range kinds {
		args = append(args, string(k), nanos(now))
	}
	return args
}

// Claim leases the next runnable job: the head of its lane, pending and
// due, or a running job whose lease lapsed. Each claim gets a new token.
// The candidate is found with a read, so an idle poll never takes the
// write lock; the write re-checks it, and a candidate taken meanwhile
// (by another process) makes Claim look again.
func (s *DB) Claim(ctx context.Context, now time.Time, lease time.Duration, kinds []incident.JobKind) (*incident.Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	query, args := claimQuery(len(kinds)), claimArgs(now, kinds)
	for range 3 {
		var id int64
		err := reader{s}.QueryRowContext(ctx, query, args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("claim job: %w", err)
		}
		var job *incident.Job
		err = s.update(ctx, func(tx writer) error {
			j, err := scanJob(tx.QueryRowContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, token = token + 1,
				locked_until = ?, updated_at = ? WHERE id = ?
				AND ((state = 'pending' AND head = 1 AND run_at <= ?) OR (state = 'running' AND locked_until <= ?))
				RETURNING `+jobColumns, nanos(now.Add(lease)), nanos(now), id, nanos(now), nanos(now)))
			if errors.Is(err, sql.ErrNoRows) {
				return nil // claimed meanwhile
			}
			if err != nil {
				return fmt.Errorf("claim job %d: %w", id, err)
			}
			job = j
			return nil
		})
		if err != nil || job != nil {
			return job, err
		}
	}
	return nil, nil
}

// held runs an update of a running job under its lease and returns the
// job's incident and lane; ErrLeaseLost when the lease is not the newest.
func held(ctx context.Context, tx queryer, what string, l incident.Lease, set string, args ...any) (incidentID int64, lane string, err error) {
	args = append(args, l.ID, l.Token)
	err = tx.QueryRowContext(ctx, `UPDATE jobs SET `+set+` WHERE id = ? AND token = ? AND state = 'running'
		RETURNING incident_id, lane`, args...).Scan(&incidentID, &lane)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("%s job %d: %w", what, l.ID, incident.ErrLeaseLost)
	}
	if err != nil {
		return 0, "", fmt.Errorf("%s job %d: %w", what, l.ID, err)
	}
	return incidentID, lane, nil
}

// Renew extends a held lease.
func (s *DB) Renew(ctx context.Context, l incident.Lease, until time.Time) error {
	return s.update(ctx, func(tx writer) error {
		_, _, err := held(ctx, tx, "renew", l, `locked_until = ?`, nanos(until))
		return err
	})
}

// Finish marks a job done and moves its lane's head on.
func (s *DB) Finish(ctx context.Context, l incident.Lease, now time.Time) error {
	return s.update(ctx, func(tx writer) error {
		inc, lane, err := held(ctx, tx, "finish", l, `state = 'done', head = 0, locked_until = NULL, last_error = '',
			failure = '', failing_since = NULL, updated_at = ?`, nanos(now))
		if err != nil {
			return err
		}
		return relane(ctx, tx, inc, lane)
	})
}

// Retry puts a job back to run at r.RunAt, keeping why it failed. It stays
// its lane's head if it was.
func (s *DB) Retry(ctx context.Context, l incident.Lease, r incident.RetryAt, now time.Time) error {
	var since any
	if !r.FailingSince.IsZero() {
		since = nanos(r.FailingSince)
	}
	return s.update(ctx, func(tx writer) error {
		_, _, err := held(ctx, tx, "retry", l, `state = 'pending', locked_until = NULL, run_at = ?, last_error = ?,
			failure = ?, failing_since = ?, updated_at = ?`, nanos(r.RunAt), r.Reason, string(r.Failure), since, nanos(now))
		return err
	})
}

// Park stops retrying a job and keeps the reason. A job that is not its
// lane's head (an earlier job of the lane is pending or running) is not
// parked but put back to wait for it: it ran while that job was parked,
// and the operator retried that one meanwhile (its failure was most likely
// "no channel yet"). Park reports whether the job was parked.
func (s *DB) Park(ctx context.Context, l incident.Lease, p incident.Parking, now time.Time) (bool, error) {
	parked := false
	err := s.update(ctx, func(tx writer) error {
		var head bool
		if err := tx.QueryRowContext(ctx, `SELECT head FROM jobs WHERE id = ?`, l.ID).Scan(&head); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("park job %d: %w", l.ID, err)
		}
		if !head {
			_, _, err := held(ctx, tx, "requeue", l, `state = 'pending', locked_until = NULL, run_at = ?, last_error = ?, updated_at = ?`,
				nanos(now), p.Reason, nanos(now))
			return err
		}
		inc, lane, err := held(ctx, tx, "park", l, `state = 'parked', head = 0, locked_until = NULL, last_error = ?, failure = ?,
			updated_at = ?`, p.Reason, string(p.Failure), nanos(now))
		if err != nil {
			return err
		}
		parked = true
		return relane(ctx, tx, inc, lane)
	})
	return parked && err == nil, err
}

// ReleaseOrphans makes jobs that a dead process left running claimable at
// once. SQLite is used by one warroom process, so at start every running
// job is an orphan of the previous run; their next claim gets a new token.
func (s *DB) ReleaseOrphans(ctx context.Context) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'pending', locked_until = NULL WHERE state = 'running'`)
		if err != nil {
			return fmt.Errorf("release orphaned jobs: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
