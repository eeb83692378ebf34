package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

// A transaction's enqueues are written together, in one statement, when
// its function has returned (flush): an incident opened by an alert
// enqueues five jobs or more, and one statement instead of one for each
// is what the storm rate on PostgreSQL needs (issue 14). Nothing in a
// transaction reads the jobs it enqueued (incident.Tx has no job reads),
// so writing them at the end changes what it sees in nothing.

// pendingJob is an enqueue not written yet, with the time it was made.
type pendingJob struct {
	job incident.Job
	at  time.Time
}

// jobBuffer holds a transaction's enqueues in order, one per key.
type jobBuffer struct {
	jobs []pendingJob
	keys map[string]bool
}

// add keeps j unless a job with its key is already held (an enqueue of a
// known key is a no-op, as in the table).
func (b *jobBuffer) add(j incident.Job, at time.Time) {
	if b.keys == nil {
		b.keys = map[string]bool{}
	}
	if b.keys[j.Key] {
		return
	}
	b.keys[j.Key] = true
	b.jobs = append(b.jobs, pendingJob{job: j, at: at})
}

// enqueue takes the lane's lock unless this transaction holds it (or
// needs none: an incident it created, which no other transaction can see
// yet), so that a transaction that enqueues several jobs of one lane
// locks it once, and buffers the job.
func (t *txStore) enqueue(ctx context.Context, j incident.Job) error {
	lane := j.Kind.Lane()
	if !t.lanes.held(j.IncidentID, lane) {
		if err := lockLane(ctx, t.tx, j.IncidentID, lane); err != nil {
			return err
		}
		t.lanes.hold(j.IncidentID, lane)
	}
	t.queued.add(j, t.clock.Now())
	return nil
}

// insertJobs writes a batch of jobs in their order (their ids follow it,
// and a lane runs its jobs in id order); a known key is skipped. A job is
// its lane's head when it is the batch's first of its lane and the lane
// has no head: under the lane's lock, the statement's snapshot (taken
// after the lock) sees every head, since the lock's holders commit before
// it is granted.
//
// The head test is a count, not NOT EXISTS: the statement is prepared on
// each pooled connection, and when its generic plan is made on a young
// database (jobs nearly empty, never analyzed) PostgreSQL may answer an
// EXISTS by hashing every head of the table, once per statement, a cost
// that grows with the queue (1,000 creates then took 4.5 ms each in
// pgbench, against 0.5 ms); a count's subquery is always one look-up in
// jobs_lane_head (docs/benchmarks.md, session 9).
const insertJobs = `INSERT INTO jobs (kind, backend, incident_id, lane, key, payload, state, max_attempts, run_at, created_at, updated_at, head)
	SELECT v.kind, v.backend, v.incident_id, v.lane, v.key, nullif(v.payload, ''), 'pending', v.max_attempts, v.run_at, v.at, v.at,
		v.first AND (SELECT count(*) FROM jobs h WHERE h.incident_id = v.incident_id AND h.lane = v.lane AND h.head) = 0
	FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[], ?::bigint[], ?::bool[])
		WITH ORDINALITY AS v(kind, backend, incident_id, lane, key, payload, max_attempts, run_at, at, first, n)
	ORDER BY v.n
	ON CONFLICT (key) DO NOTHING
	RETURNING key`

// flush writes the buffered jobs and empties the buffer. A lane whose
// first job in the batch was a known key (skipped) may be left without a
// head while a later job of the batch is in it: nextHead mends it.
func (t *txStore) flush(ctx context.Context) error {
	jobs := t.queued.jobs
	if len(jobs) == 0 {
		return nil
	}
	t.queued = jobBuffer{}
	n := len(jobs)
	kinds, backends, lanes, keys, payloads := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	incidents, runAts, ats := make([]int64, n), make([]int64, n), make([]int64, n)
	attempts, first := make([]int32, n), make([]bool, n)
	seen := map[laneLock]bool{}
	for i, p := range jobs {
		j := p.job
		l := laneLock{j.IncidentID, j.Kind.Lane()}
		runAt := j.RunAt
		if runAt.IsZero() {
			runAt = p.at
		}
		kinds[i], backends[i], lanes[i], keys[i], payloads[i] = string(j.Kind), j.Kind.Backend(), l.lane, j.Key, string(j.Payload)
		incidents[i], runAts[i], ats[i], attempts[i] = j.IncidentID, nanos(runAt), nanos(p.at), int32(j.MaxAttempts)
		first[i], seen[l] = !seen[l], true
	}
	rows, err := t.tx.QueryContext(ctx, insertJobs, kinds, backends, incidents, lanes, keys, payloads, attempts, runAts, ats, first)
	if err != nil {
		return fmt.Errorf("enqueue %d jobs (%s first): %w", n, jobs[0].job.Kind, err)
	}
	inserted := make(map[string]bool, n)
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return fmt.Errorf("enqueue %d jobs: %w", n, err)
		}
		inserted[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("enqueue %d jobs: %w", n, err)
	}
	if len(inserted) == n {
		return nil
	}
	mend := map[laneLock]bool{}
	for i, p := range jobs {
		if l := (laneLock{p.job.IncidentID, lanes[i]}); !inserted[keys[i]] && !mend[l] {
			mend[l] = true
			if err := nextHead(ctx, t.tx, l.incident, l.lane); err != nil {
				return err
			}
		}
	}
	return nil
}
