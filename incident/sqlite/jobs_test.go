package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

var t0 = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), fixedClock{t0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newIncident(t testing.TB, db *DB) int64 {
	t.Helper()
	inc := &incident.Incident{Title: "api down", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
		Source: "api", CreatedAt: t0, UpdatedAt: t0}
	if err := db.Update(context.Background(), func(tx incident.Tx) error { return tx.CreateIncident(context.Background(), inc) }); err != nil {
		t.Fatal(err)
	}
	return inc.ID
}

func enqueueJobs(t testing.TB, db *DB, jobs ...incident.Job) {
	t.Helper()
	err := db.Update(context.Background(), func(tx incident.Tx) error {
		for _, j := range jobs {
			if err := tx.Enqueue(context.Background(), j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func job(t testing.TB, kind incident.JobKind, inc int64, key string) incident.Job {
	t.Helper()
	j, err := incident.NewJob(kind, inc, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

var allKinds = incident.JobKinds()

func claimKey(t *testing.T, db *DB, now time.Time) *incident.Job {
	t.Helper()
	j, err := db.Claim(context.Background(), now, time.Minute, allKinds)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func key(j *incident.Job) string {
	if j == nil {
		return ""
	}
	return j.Key
}

// Only the head of each lane is claimable; finishing, parking and an
// operator's retry move the head, and a scheduled head holds its lane.
func TestLaneHeads(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	inc := newIncident(t, db)
	enqueueJobs(t, db, job(t, incident.JobOpenChannel, inc, "open"), job(t, incident.JobPost, inc, "welcome"),
		job(t, incident.JobOpenTicket, inc, "ticket"), job(t, incident.JobPost, inc, "status"))
	enqueueJobs(t, db, job(t, incident.JobPost, inc, "welcome")) // a repeat is a no-op and moves no head

	open, ticket := claimKey(t, db, t0), claimKey(t, db, t0)
	if key(open) != "open" || key(ticket) != "ticket" {
		t.Fatalf("claimed %q and %q, want the heads open and ticket", key(open), key(ticket))
	}
	if j := claimKey(t, db, t0); j != nil {
		t.Fatalf("claimed %q behind a running head", j.Key)
	}
	for _, j := range []*incident.Job{open, ticket} {
		if err := db.Finish(ctx, j.Lease(), t0); err != nil {
			t.Fatal(err)
		}
	}
	welcome := claimKey(t, db, t0)
	if key(welcome) != "welcome" {
		t.Fatalf("after the channel, claimed %q, want welcome", key(welcome))
	}
	if parked, err := db.Park(ctx, welcome.Lease(), incident.Parking{Reason: "no", Failure: incident.FailurePermanent}, t0); err != nil || !parked {
		t.Fatalf("park: %v %v", parked, err)
	}
	status := claimKey(t, db, t0)
	if key(status) != "status" {
		t.Fatalf("past a parked job, claimed %q, want status", key(status))
	}
	// A retry scheduled later keeps the lane's head: nothing behind it runs.
	enqueueJobs(t, db, job(t, incident.JobPost, inc, "later"))
	if err := db.Retry(ctx, status.Lease(), incident.RetryAt{RunAt: t0.Add(time.Hour), Reason: "503", Failure: incident.FailureTransient, FailingSince: t0}, t0); err != nil {
		t.Fatal(err)
	}
	if j := claimKey(t, db, t0.Add(time.Minute)); j != nil {
		t.Fatalf("claimed %q while the head waits for its retry", j.Key)
	}
	status = claimKey(t, db, t0.Add(time.Hour))
	if key(status) != "status" || status.FailingSince == nil || !status.FailingSince.Equal(t0) || status.Failure != incident.FailureTransient {
		t.Fatalf("claimed %+v, want the status retry failing since %s", status, t0)
	}
	checkHeads(t, db)
}

// checkHeads asserts the invariant: each lane's head is its oldest pending
// or running job, and a lane with none has no head.
func checkHeads(t *testing.T, db *DB) {
	t.Helper()
	var bad int
	err := db.db.QueryRow(`SELECT count(*) FROM (SELECT incident_id, lane,
		max(CASE WHEN head = 1 THEN id END) AS h, min(CASE WHEN state IN ('pending','running') THEN id END) AS want,
		sum(head) AS n FROM jobs GROUP BY incident_id, lane) WHERE h IS NOT want OR n > 1`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d lanes whose head is not their oldest unfinished job", bad)
	}
}

// Only the newest claim may renew, finish, retry or park; a worker whose
// lease lapsed and was claimed again is refused every time.
func TestFencedOutcomes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		call func(db *DB, l incident.Lease) error
	}{
		{"renew", func(db *DB, l incident.Lease) error { return db.Renew(ctx, l, t0.Add(time.Hour)) }},
		{"finish", func(db *DB, l incident.Lease) error { return db.Finish(ctx, l, t0) }},
		{"retry", func(db *DB, l incident.Lease) error {
			return db.Retry(ctx, l, incident.RetryAt{RunAt: t0, Reason: "x", Failure: incident.FailureTransient}, t0)
		}},
		{"park", func(db *DB, l incident.Lease) error {
			_, err := db.Park(ctx, l, incident.Parking{Reason: "x", Failure: incident.FailurePermanent}, t0)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			inc := newIncident(t, db)
			enqueueJobs(t, db, job(t, incident.JobOpenChannel, inc, "open"))
			first := claimKey(t, db, t0)
			if j := claimKey(t, db, t0.Add(30*time.Second)); j != nil {
				t.Fatalf("claimed %q while its lease holds", j.Key)
			}
			second := claimKey(t, db, t0.Add(2*time.Minute)) // the first lease lapsed
			if key(second) != "open" || second.Token <= first.Token || second.Attempts != 2 {
				t.Fatalf("second claim %+v after first %+v", second, first)
			}
			if err := tt.call(db, first.Lease()); !errors.Is(err, incident.ErrLeaseLost) {
				t.Fatalf("%s with the lapsed lease: %v, want ErrLeaseLost", tt.name, err)
			}
			if err := tt.call(db, second.Lease()); err != nil {
				t.Fatalf("%s with the newest lease: %v", tt.name, err)
			}
			checkHeads(t, db)
		})
	}
}

// Parked transient jobs of a backend resume, in their lanes' order; parked
// permanent ones and other backends' stay parked.
func TestResumeParked(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	inc := newIncident(t, db)
	enqueueJobs(t, db, job(t, incident.JobOpenTicket, inc, "ticket"), job(t, incident.JobTicketComment, inc, "comment"),
		job(t, incident.JobOpenChannel, inc, "open"))
	park := func(want string, f incident.Failure) {
		t.Helper()
		j := claimKey(t, db, t0)
		if key(j) != want {
			t.Fatalf("claimed %q, want %q", key(j), want)
		}
		if ok, err := db.Park(ctx, j.Lease(), incident.Parking{Reason: "down", Failure: f}, t0); err != nil || !ok {
			t.Fatalf("park %s: %v %v", want, ok, err)
		}
	}
	park("ticket", incident.FailureTransient)
	park("comment", incident.FailurePermanent)
	park("open", incident.FailureTransient)
	n, err := db.ResumeParked(ctx, incident.BackendTickets, 10, t0)
	if err != nil || n != 1 {
		t.Fatalf("resumed %d (%v), want 1: the ticket, not the permanent comment nor the chat job", n, err)
	}
	if j := claimKey(t, db, t0); key(j) != "ticket" || j.Attempts != 1 || j.Failure != "" {
		t.Fatalf("claimed %+v, want the resumed ticket with fresh attempts", j)
	}
	if j := claimKey(t, db, t0); j != nil {
		t.Fatalf("claimed %q: the chat job must stay parked", j.Key)
	}
	checkHeads(t, db)
}

func TestPruneJobs(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	inc := newIncident(t, db)
	for i := range 7 {
		enqueueJobs(t, db, job(t, incident.JobPost, inc, fmt.Sprint("old", i)))
		j := claimKey(t, db, t0)
		if err := db.Finish(ctx, j.Lease(), t0); err != nil {
			t.Fatal(err)
		}
	}
	enqueueJobs(t, db, job(t, incident.JobPost, inc, "new"))
	j := claimKey(t, db, t0)
	if err := db.Finish(ctx, j.Lease(), t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	enqueueJobs(t, db, job(t, incident.JobPost, inc, "pending"))
	var total int
	for {
		n, err := db.PruneJobs(ctx, t0.Add(time.Hour), 3)
		if err != nil {
			t.Fatal(err)
		}
		if n > 3 {
			t.Fatalf("pruned %d in one batch of 3", n)
		}
		total += n
		if n < 3 {
			break
		}
	}
	left, err := db.Jobs(ctx, inc, "")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, j := range left {
		keys = append(keys, j.Key)
	}
	if total != 7 || strings.Join(keys, ",") != "new,pending" {
		t.Errorf("pruned %d, left %v; want 7 pruned and new,pending left", total, keys)
	}
}

// Every statement of a claim, and of moving a lane's head, is answered
// from an index: none scans the jobs table.
func TestClaimPlansUseIndexes(t *testing.T) {
	db := openTest(t)
	kinds := []incident.JobKind{incident.JobOpenChannel, incident.JobPost, incident.JobOpenTicket}
	queries := map[string][]any{
		"claim":      append([]any{}, claimArgs(t0, kinds)...),
		"head":       {int64(1), "chat", int64(1), "chat"},
		"lane head":  {int64(1), "chat"},
		"enqueue":    {int64(1), int64(1), "chat"},
		"prune":      {int64(1), 10},
		"resume":     {"tickets", "transient", 10},
		"renew/done": {int64(1), int64(1), int64(1)},
	}
	sqls := map[string]string{
		"claim": claimQuery(len(kinds)),
		"head": `SELECT min(id) FROM (
		SELECT min(id) AS id FROM jobs WHERE incident_id = ? AND lane = ? AND state = 'pending'
		UNION ALL SELECT min(id) FROM jobs WHERE incident_id = ? AND lane = ? AND state = 'running')`,
		"lane head":  `SELECT id FROM jobs WHERE incident_id = ? AND lane = ? AND head = 1`,
		"enqueue":    `UPDATE jobs SET head = 1 WHERE id = ? AND NOT EXISTS (SELECT 1 FROM jobs WHERE incident_id = ? AND lane = ? AND head = 1)`,
		"prune":      pruneQuery,
		"resume":     `SELECT id FROM jobs WHERE state = 'parked' AND backend = ? AND failure = ? ORDER BY id LIMIT ?`,
		"renew/done": `UPDATE jobs SET locked_until = ? WHERE id = ? AND token = ? AND state = 'running'`,
	}
	for name, q := range sqls {
		t.Run(name, func(t *testing.T) {
			rows, err := db.db.Query(`EXPLAIN QUERY PLAN `+q, queries[name]...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			for _, step := range plan {
				// In the claim, the sorts merge one row per kind.
				if strings.HasPrefix(step, "SCAN jobs") || strings.Contains(step, "jobs_state") ||
					strings.Contains(step, "USE TEMP B-TREE FOR ORDER BY") && name != "claim" {
					t.Errorf("plan scans: %q\n%s", step, strings.Join(plan, "\n"))
				}
			}
			t.Logf("%s:\n%s", name, strings.Join(plan, "\n"))
		})
	}
}
