package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Jobs lists jobs, optionally of one incident and/or in one state, oldest first.
func (s *DB) Jobs(ctx context.Context, incidentID int64, state incident.JobState) ([]incident.Job, error) {
	query := `SELECT ` + jobColumns + ` FROM jobs WHERE 1=1`
	var args []any
	if incidentID != 0 {
		query += ` AND incident_id = ?`
		args = append(args, incidentID)
	}
	if state != "" {
		query += ` AND state = ?`
		args = append(args, string(state))
	}
	rows, err := reader{s}.QueryContext(ctx, query+` ORDER BY id LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	out := []incident.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *j)
	}
	return out, rows.Err()
}

// unpark makes the parked jobs of ids pending with a fresh set of attempts
// and a fresh maximum age, and moves the heads of their lanes.
func unpark(ctx context.Context, tx *sql.Tx, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{nanos(now), nanos(now)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, `UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?, updated_at = ?,
		failure = '', failing_since = NULL WHERE state = 'parked' AND id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")+`)
		RETURNING incident_id, lane`, args...)
	if err != nil {
		return fmt.Errorf("unpark jobs: %w", err)
	}
	type laneKey struct {
		incident int64
		lane     string
	}
	lanes := map[laneKey]bool{}
	for rows.Next() {
		var k laneKey
		if err := rows.Scan(&k.incident, &k.lane); err != nil {
			rows.Close()
			return err
		}
		lanes[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for k := range lanes {
		if err := relane(ctx, tx, k.incident, k.lane); err != nil {
			return err
		}
	}
	return nil
}

func collectIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RetryParked gives a parked job a fresh set of attempts, together with the
// later parked jobs of its incident and lane: those usually failed because
// this one did (no channel, no posts), and they keep their order.
func (s *DB) RetryParked(ctx context.Context, id int64, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		ids, err := collectIDs(tx.QueryContext(ctx, `SELECT id FROM jobs WHERE state = 'parked' AND id >= ?
			AND (incident_id, lane) = (SELECT incident_id, lane FROM jobs WHERE id = ? AND state = 'parked') ORDER BY id LIMIT 1000`, id, id))
		if err != nil {
			return fmt.Errorf("retry job %d: %w", id, err)
		}
		if len(ids) == 0 {
			return incident.Errorf(incident.KindNotFound, "job %d is not parked; list parked jobs with GET /api/v1/jobs?state=parked", id)
		}
		return unpark(ctx, tx, ids, now)
	})
}

// ResumeParked makes up to limit jobs of backend that were parked for a
// transient failure pending again, oldest first, and returns how many.
func (s *DB) ResumeParked(ctx context.Context, backend string, limit int, now time.Time) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids, err := collectIDs(tx.QueryContext(ctx, `SELECT id FROM jobs WHERE state = 'parked' AND backend = ? AND failure = ?
			ORDER BY id LIMIT ?`, backend, string(incident.FailureTransient), limit))
		if err != nil {
			return fmt.Errorf("resume parked %s jobs: %w", backend, err)
		}
		n = len(ids)
		return unpark(ctx, tx, ids, now)
	})
	return n, err
}

// pruneQuery deletes the oldest done jobs through jobs_done, never a scan
// of the done jobs however many there are.
const pruneQuery = `DELETE FROM jobs WHERE id IN (
	SELECT id FROM jobs INDEXED BY jobs_done WHERE state = 'done' AND updated_at < ? ORDER BY updated_at LIMIT ?)`

// PruneJobs deletes up to limit done jobs last updated before before.
func (s *DB) PruneJobs(ctx context.Context, before time.Time, limit int) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := checkFence(ctx, tx, s.clock.Now()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, pruneQuery, nanos(before), limit)
		if err != nil {
			return fmt.Errorf("prune done jobs: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// JobCounts counts jobs by state, for readiness.
func (s *DB) JobCounts(ctx context.Context) (map[incident.JobState]int, error) {
	stats, err := s.JobStats(ctx)
	if err != nil {
		return nil, err
	}
	out := map[incident.JobState]int{}
	for _, c := range stats {
		out[c.State] += c.N
	}
	return out, nil
}

// JobStats counts jobs by state, kind, backend and failure.
func (s *DB) JobStats(ctx context.Context) ([]incident.JobCount, error) {
	rows, err := reader{s}.QueryContext(ctx, `SELECT state, kind, backend, failure, count(*) FROM jobs GROUP BY state, kind, backend, failure`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := []incident.JobCount{}
	for rows.Next() {
		var c incident.JobCount
		var state, kind, failure string
		if err := rows.Scan(&state, &kind, &c.Backend, &failure, &c.N); err != nil {
			return nil, err
		}
		c.State, c.Kind, c.Failure = incident.JobState(state), incident.JobKind(kind), incident.Failure(failure)
		out = append(out, c)
	}
	return out, rows.Err()
}
