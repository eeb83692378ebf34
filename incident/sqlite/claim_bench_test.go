package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// fillBacklog enqueues pending jobs: perLane jobs in the chat lane of each
// of n/perLane incidents. Their run_at is before now, so each lane's head is due.
func fillBacklog(b *testing.B, db *DB, n, perLane int) []int64 {
	b.Helper()
	ctx := context.Background()
	var incs []int64
	err := db.update(ctx, func(w writer) error {
		ts := &txStore{tx: w, clock: db.clock}
		for i := 0; i < n; i++ {
			if i%perLane == 0 {
				inc := &incident.Incident{Title: "x", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "bench",
					CreatedAt: t0, UpdatedAt: t0}
				if err := ts.CreateIncident(ctx, inc); err != nil {
					return err
				}
				incs = append(incs, inc.ID)
			}
			j := job(b, incident.JobPost, incs[len(incs)-1], fmt.Sprint("backlog/", i))
			j.RunAt = t0.Add(-time.Hour)
			if err := enqueue(ctx, w, j, t0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return incs
}

// BenchmarkClaim measures one claim and one finish with a backlog of
// pending jobs spread over many lanes (4 a lane) and deep in one lane. A
// job is enqueued outside the timer after each finish, so the backlog stays.
//
//	go test ./incident/sqlite/ -run XXX -bench Claim -benchtime 2000x
func BenchmarkClaim(b *testing.B) {
	cases := []struct {
		name       string
		n, perLane int
	}{
		{"pending=0", 0, 1},
		{"pending=1000/spread", 1000, 4},
		{"pending=10000/spread", 10000, 4},
		{"pending=100000/spread", 100000, 4},
		{"pending=100000/one-lane", 100000, 100000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			db := openTest(b)
			incs := fillBacklog(b, db, c.n, c.perLane)
			if len(incs) == 0 {
				incs = fillBacklog(b, db, 1, 1)
				j, _ := db.Claim(ctx, t0, time.Minute, allKinds)
				if err := db.Finish(ctx, j.Lease(), t0); err != nil {
					b.Fatal(err)
				}
			}
			kinds := allKinds
			i := 0
			for b.Loop() {
				b.StopTimer()
				refill := job(b, incident.JobPost, incs[i%len(incs)], fmt.Sprint("refill/", i))
				refill.RunAt = t0.Add(-time.Hour)
				if err := db.tx(ctx, func(tx *sql.Tx) error { return enqueue(ctx, tx, refill, t0) }); err != nil {
					b.Fatal(err)
				}
				i++
				b.StartTimer()
				j, err := db.Claim(ctx, t0, time.Minute, kinds)
				if err != nil || j == nil {
					b.Fatalf("claim: %v %v", j, err)
				}
				if err := db.Finish(ctx, j.Lease(), t0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLegacyClaimQuery runs the claim query warroom used before lane
// heads (the NOT EXISTS check of earlier jobs for every due candidate, and
// a sort of them all), read-only, on the same backlogs: the floor the lane
// heads are measured against.
func BenchmarkLegacyClaimQuery(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pending=%d/spread", n), func(b *testing.B) {
			db := openTest(b)
			fillBacklog(b, db, n, 4)
			for b.Loop() {
				var id int64
				err := db.db.QueryRow(`SELECT id FROM jobs j
					WHERE ((j.state = 'pending' AND j.run_at <= ?) OR (j.state = 'running' AND j.locked_until <= ?))
					  AND j.kind IN ('chat.post', 'channel.open', 'ticket.open')
					  AND NOT EXISTS (SELECT 1 FROM jobs e WHERE e.incident_id = j.incident_id AND e.lane = j.lane
					                  AND e.id < j.id AND e.state IN ('pending','running'))
					ORDER BY j.run_at, j.id LIMIT 1`, nanos(t0), nanos(t0)).Scan(&id)
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
