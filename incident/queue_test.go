package incident_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// TestRetryDuringALaterJobKeepsItInLine: the channel job is parked, a later
// post of the same lane runs meanwhile (and fails for want of the channel),
// and the operator retries the channel job before that post finishes. The
// post must not end up parked behind a lane that is moving again: it waits
// and runs after the channel job, in order.
func TestRetryDuringALaterJobKeepsItInLine(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	inc := &incident.Incident{Title: "api down", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
		Source: "api", CreatedAt: now, UpdatedAt: now}
	err = db.Update(ctx, func(tx incident.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		for _, j := range []struct {
			kind incident.JobKind
			key  string
		}{{incident.JobOpenChannel, "open"}, {incident.JobPost, "post"}} {
			job, err := incident.NewJob(j.kind, inc.ID, j.key, nil)
			if err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, job); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []incident.JobKind{incident.JobOpenChannel, incident.JobPost}
	claim := func(want string) *incident.Job {
		t.Helper()
		j, err := db.Claim(ctx, time.Now(), time.Minute, kinds)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if j != nil {
			got = j.Key
		}
		if got != want {
			t.Fatalf("claimed %q, want %q", got, want)
		}
		return j
	}
	state := func(id int64) incident.JobState {
		t.Helper()
		jobs, err := db.Jobs(ctx, inc.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.ID == id {
				return j.State
			}
		}
		t.Fatalf("job %d is gone", id)
		return ""
	}

	open := claim("open")
	if parked, err := db.Park(ctx, open.Lease(), incident.Parking{Reason: "bot is not in the team", Failure: incident.FailurePermanent}, time.Now()); err != nil || !parked {
		t.Fatalf("park the first job of a lane: parked=%v err=%v", parked, err)
	}
	post := claim("post") // the lane goes on past a parked job
	if err := db.RetryParked(ctx, open.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	parked, err := db.Park(ctx, post.Lease(), incident.Parking{Reason: "no channel to post in", Failure: incident.FailurePermanent}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if parked || state(post.ID) != incident.JobPending {
		t.Fatalf("the post was parked (%v, state %s) although the job before it was retried", parked, state(post.ID))
	}
	open = claim("open") // in order: the channel first, the post waits for it
	claim("")
	if err := db.Finish(ctx, open.Lease(), time.Now()); err != nil {
		t.Fatal(err)
	}
	claim("post")
}
