package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// FenceStore is what RunFence tests: a store and its leases.
type FenceStore interface {
	incident.Store
	incident.Leases
}

// RunFence checks the fence of Store.Update (incident.WithFence): an
// update made under a holding writes only while that holding is the
// lease's; once the lease lapsed, went to another holder, or came back to
// the same holder under a new token, the update changes nothing and
// returns an error wrapping ErrLeaseFenced (a conflict, not transient).
// Updates without a fence are not affected. s and replica read the time
// from clock; replica is a second store on the same database (s itself
// for a store that one process uses alone).
func RunFence(t *testing.T, s, replica FenceStore, clock *Clock) {
	ctx := context.Background()
	at := func(sec int) time.Time { return T0.Add(time.Duration(sec) * time.Second) }
	acquire := func(l incident.Leases, holder string, now, till int) incident.LeaseHold {
		t.Helper()
		h, err := l.AcquireLease(ctx, "follower", holder, at(now), at(till))
		if err != nil {
			t.Fatalf("%s takes the lease at %ds: %v", holder, now, err)
		}
		return h
	}
	n := 0
	write := func(st incident.Store, ctx context.Context) error {
		n++
		return st.Update(ctx, func(tx incident.Tx) error {
			return tx.CreateIncident(ctx, &incident.Incident{Title: fmt.Sprintf("fenced %d", n), Severity: incident.SeverityHigh,
				Status: incident.StatusOpen, Source: "icinga2", DedupKey: fmt.Sprintf("fence/%d", n), CreatedAt: clock.Now(), UpdatedAt: clock.Now()})
		})
	}
	count := func() int {
		t.Helper()
		incs, err := s.Incidents(ctx, incident.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(incs)
	}

	clock.Set(at(0))
	a1 := acquire(s, "a", 0, 10)
	fencedA1 := incident.WithFence(ctx, a1)
	var fencedB context.Context // the second holder's, once it takes the lease; a step's nil ctx stands for it
	steps := []struct {
		what    string
		now     int
		setup   func()
		st      incident.Store
		ctx     context.Context
		refused bool
	}{
		{what: "the holder writes while its lease lives", now: 5, st: s, ctx: fencedA1},
		{what: "a renewal keeps the fence (same token)", now: 9, setup: func() { acquire(s, "a", 9, 19) }, st: s, ctx: fencedA1},
		{what: "a lapsed lease refuses its old holder's write", now: 19, st: s, ctx: fencedA1, refused: true},
		{what: "an unfenced write goes on", now: 19, st: s, ctx: ctx},
		{what: "another holder's takeover refuses the old holder, through any store", now: 20,
			setup: func() { fencedB = incident.WithFence(ctx, acquire(replica, "b", 20, 30)) }, st: replica, ctx: fencedA1, refused: true},
		{what: "the new holder writes", now: 21, st: replica, ctx: nil},
		{what: "the old holder back under a new token still cannot write under the old one", now: 31,
			setup: func() { acquire(s, "a", 31, 41) }, st: s, ctx: fencedA1, refused: true},
	}
	for _, step := range steps {
		clock.Set(at(step.now))
		if step.setup != nil {
			step.setup()
		}
		wctx := step.ctx
		if wctx == nil {
			wctx = fencedB
		}
		before := count()
		err := write(step.st, wctx)
		switch {
		case step.refused && !errors.Is(err, incident.ErrLeaseFenced):
			t.Errorf("%s: got %v, want ErrLeaseFenced", step.what, err)
		case step.refused && incident.ErrorKind(err) != incident.KindConflict:
			t.Errorf("%s: the error is %s, want a conflict (not transient: a retry cannot pass)", step.what, incident.ErrorKind(err))
		case !step.refused && err != nil:
			t.Errorf("%s: %v", step.what, err)
		}
		want := before + 1
		if step.refused {
			want = before
		}
		if got := count(); got != want {
			t.Errorf("%s: %d incidents after the write, want %d", step.what, got, want)
		}
	}
}
