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

func enqueue(ctx context.Context, q queryer, j incident.Job, now time.Time) error {
	runAt := j.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	var payload any
	if len(j.Payload) > 0 {
		payload = string(j.Payload)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO jobs (kind, incident_id, lane, key, payload, state, max_attempts, run_at, created_at, updated_at)
		VALUES (?,?,?,?,?,'pending',?,?,?,?) ON CONFLICT (key) DO NOTHING`,
		string(j.Kind), j.IncidentID, j.Kind.Lane(), j.Key, payload, j.MaxAttempts, nanos(runAt), nanos(now), nanos(now))
	if err != nil {
		return fmt.Errorf("enqueue %s job %q: %w", j.Kind, j.Key, err)
	}
	return nil
}

const jobColumns = `id, kind, incident_id, key, coalesce(payload, ''), state, attempts, max_attempts, run_at, last_error, created_at, updated_at`

func scanJob(row scanner) (*incident.Job, error) {
	var j incident.Job
	var kind, state, payload string
	var runAt, created, updated int64
	if err := row.Scan(&j.ID, &kind, &j.IncidentID, &j.Key, &payload, &state, &j.Attempts, &j.MaxAttempts,
		&runAt, &j.LastError, &created, &updated); err != nil {
		return nil, err
	}
	j.Kind, j.State = incident.JobKind(kind), incident.JobState(state)
	if payload != "" {
		j.Payload = []byte(payload)
	}
	j.RunAt, j.CreatedAt, j.UpdatedAt = fromNanos(runAt), fromNanos(created), fromNanos(updated)
	return &j, nil
}

// Claim leases the next runnable job. A job is runnable when it is pending
// and due, or running with an expired lease (its worker died), and no
// earlier job of the same incident and lane is unfinished.
func (s *DB) Claim(ctx context.Context, now time.Time, lease time.Duration, kinds []incident.JobKind) (*incident.Job, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	marks := make([]string, len(kinds))
	args := []any{nanos(now), nanos(now)}
	for i, k := range kinds {
		marks[i] = "?"
		args = append(args, string(k))
	}
	var job *incident.Job
	err := s.tx(ctx, func(tx *sql.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs j
			WHERE ((j.state = 'pending' AND j.run_at <= ?) OR (j.state = 'running' AND j.locked_until <= ?))
			  AND j.kind IN (`+strings.Join(marks, ",")+`)
			  AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.incident_id = j.incident_id AND e.lane = j.lane
			                  AND e.id < j.id AND e.state IN ('pending','running'))
			ORDER BY j.run_at, j.id LIMIT 1`, args...)
		j, err := scanJob(row)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		j.Attempts++
		j.State = incident.JobRunning
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = ?, locked_until = ?, updated_at = ? WHERE id = ?`,
			j.Attempts, nanos(now.Add(lease)), nanos(now), j.ID)
		job = j
		return err
	})
	return job, err
}

// Finish marks a job done.
func (s *DB) Finish(ctx context.Context, id int64, now time.Time) error {
	return s.setJob(ctx, id, `state = 'done', locked_until = NULL, last_error = '', updated_at = ?`, nanos(now))
}

// Retry puts a job back to run at runAt, keeping the reason it failed.
func (s *DB) Retry(ctx context.Context, id int64, runAt time.Time, reason string, now time.Time) error {
	return s.setJob(ctx, id, `state = 'pending', locked_until = NULL, run_at = ?, last_error = ?, updated_at = ?`,
		nanos(runAt), reason, nanos(now))
}

// Park stops retrying a job and keeps the reason. A job whose lane has an
// earlier unfinished job is not parked but put back to wait for it: it ran
// while that job was parked, and the operator retried that one meanwhile
// (its failure was most likely "no channel yet"). Park reports whether the
// job was parked.
func (s *DB) Park(ctx context.Context, id int64, reason string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET state = 'parked', locked_until = NULL, last_error = ?, updated_at = ?
		WHERE id = ? AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.incident_id = jobs.incident_id AND e.lane = jobs.lane
		                             AND e.id < jobs.id AND e.state IN ('pending','running'))`,
		reason, nanos(now), id)
	if err != nil {
		return false, fmt.Errorf("park job %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return n > 0, err
	}
	return false, s.setJob(ctx, id, `state = 'pending', locked_until = NULL, run_at = ?, last_error = ?, updated_at = ?`,
		nanos(now), reason, nanos(now))
}

func (s *DB) setJob(ctx context.Context, id int64, set string, args ...any) error {
	args = append(args, id)
	if _, err := s.db.ExecContext(ctx, `UPDATE jobs SET `+set+` WHERE id = ?`, args...); err != nil {
		return fmt.Errorf("update job %d: %w", id, err)
	}
	return nil
}

// ReleaseOrphans makes jobs that a dead process left running claimable at
// once. SQLite is used by one warroom process, so at start every running
// job is an orphan of the previous run.
func (s *DB) ReleaseOrphans(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET state = 'pending', locked_until = NULL WHERE state = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("release orphaned jobs: %w", err)
	}
	return res.RowsAffected()
}

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
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY id LIMIT 1000`, args...)
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

// RetryParked gives a parked job a fresh set of attempts, together with the
// later parked jobs of its incident and lane: those usually failed because
// this one did (no channel, no posts), and they keep their order.
func (s *DB) RetryParked(ctx context.Context, id int64, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET state = 'pending', attempts = 0, run_at = ?, updated_at = ?
		WHERE state = 'parked' AND id >= ? AND (incident_id, lane) = (SELECT incident_id, lane FROM jobs WHERE id = ? AND state = 'parked')`,
		nanos(now), nanos(now), id, id)
	if err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return incident.Errorf(incident.KindNotFound, "job %d is not parked; list parked jobs with GET /api/v1/jobs?state=parked", id)
	}
	return nil
}

// JobCounts counts jobs by state, for metrics and readiness.
func (s *DB) JobCounts(ctx context.Context) (map[incident.JobState]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	defer rows.Close()
	out := map[incident.JobState]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[incident.JobState(st)] = n
	}
	return out, rows.Err()
}
