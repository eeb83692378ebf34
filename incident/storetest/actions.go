package storetest

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// RunActions runs the rules of the action-run ports (incident.ActionRunTx
// and ActionRunReader) against d's stores; with d.Replica the exclusive
// start is raced over several stores of one database.
func RunActions(t *testing.T, d Driver) {
	rules := []struct {
		name string
		fn   func(t *testing.T, d Driver)
	}{
		{"ActionRunRoundTrip", testActionRunRoundTrip},
		{"MissingActionRunIsNotFound", testActionRunNotFound},
		{"ActionRunRollsBackWithItsTx", testActionRunRollback},
		{"ActionRunStartsOnce", testActionRunStartsOnce},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) { r.fn(t, d) })
	}
}

func createRun(t *testing.T, s Store, r *incident.ActionRun) {
	t.Helper()
	update(t, s, func(tx incident.Tx) error { return tx.CreateActionRun(context.Background(), r) })
	if r.ID == 0 {
		t.Fatal("CreateActionRun set no ID")
	}
}

func readRun(t *testing.T, s Store, id int64) *incident.ActionRun {
	t.Helper()
	r, err := s.ActionRun(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every field of a run reads back as written, times to the nanosecond,
// through the store and inside a transaction; an update writes them all.
func testActionRunRoundTrip(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "db slow", "g")
	want := &incident.ActionRun{IncidentID: inc.ID, Action: "restart-db", Params: map[string]string{"host": "db1", "note": "a; b $(c)"},
		Actor: "alice", State: incident.RunRequested, RequestedAt: T0}
	createRun(t, s, want)
	if got := readRun(t, s, want.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, want)
	}
	started, finished := T0.Add(1500*time.Millisecond+7), T0.Add(3*time.Second+11)
	want.State, want.ConfirmedBy, want.Attempts, want.OK, want.Outcome = incident.RunFinished, "bob", 2, true, "exit status 0 in 1.5s"
	want.Output, want.OutputPost, want.StartedAt, want.FinishedAt = []byte("ok\n\x00\xff bytes"), "post-1", &started, &finished
	update(t, s, func(tx incident.Tx) error { return tx.UpdateActionRun(ctx, want) })
	if got := readRun(t, s, want.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("after update read back\n%+v\nwant\n%+v", got, want)
	}
	update(t, s, func(tx incident.Tx) error {
		got, err := tx.ActionRun(ctx, want.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Tx.ActionRun read back\n%+v\nwant\n%+v", got, want)
		}
		return nil
	})
	other := &incident.ActionRun{IncidentID: inc.ID, Action: "flush", Actor: "bob", State: incident.RunConfirmed, RequestedAt: T0}
	createRun(t, s, other)
	if other.ID == want.ID {
		t.Fatalf("two runs share ID %d", other.ID)
	}
	if got := readRun(t, s, other.ID); len(got.Params) != 0 || got.Output != nil || got.StartedAt != nil {
		t.Errorf("a run without params, output or start reads back %+v", got)
	}
}

// A run that does not exist is KindNotFound, read or updated.
func testActionRunNotFound(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	if _, err := s.ActionRun(ctx, 999); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("Store.ActionRun of a missing run: %v, want not found", err)
	}
	err := s.Update(ctx, func(tx incident.Tx) error {
		if _, err := tx.ActionRun(ctx, 999); incident.ErrorKind(err) != incident.KindNotFound {
			t.Errorf("Tx.ActionRun of a missing run: %v, want not found", err)
		}
		return tx.UpdateActionRun(ctx, &incident.ActionRun{ID: 999, State: incident.RunStarted})
	})
	if incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("UpdateActionRun of a missing run: %v, want not found", err)
	}
}

// A run created or changed in a transaction that fails is not stored.
func testActionRunRollback(t *testing.T, d Driver) {
	s, _ := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "db slow", "g")
	boom := errors.New("boom")
	var id int64
	err := s.Update(ctx, func(tx incident.Tx) error {
		r := &incident.ActionRun{IncidentID: inc.ID, Action: "a", Actor: "alice", State: incident.RunConfirmed, RequestedAt: T0}
		if err := tx.CreateActionRun(ctx, r); err != nil {
			return err
		}
		id = r.ID
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update: %v, want boom", err)
	}
	if _, err := s.ActionRun(ctx, id); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("a run created in a rolled back transaction: %v, want not found", err)
	}
	r := &incident.ActionRun{IncidentID: inc.ID, Action: "a", Actor: "alice", State: incident.RunConfirmed, RequestedAt: T0}
	createRun(t, s, r)
	s.Update(ctx, func(tx incident.Tx) error {
		r.State = incident.RunStarted
		if err := tx.UpdateActionRun(ctx, r); err != nil {
			return err
		}
		return boom
	})
	if got := readRun(t, s, r.ID); got.State != incident.RunConfirmed {
		t.Errorf("a run changed in a rolled back transaction is %s, want confirmed", got.State)
	}
}

// Transactions that read a confirmed run and mark it started race; only
// one of them finds it confirmed (on PostgreSQL over three replicas):
// the rule that keeps an action from running twice.
func testActionRunStartsOnce(t *testing.T, d Driver) {
	s, clock := open(t, d)
	ctx := context.Background()
	inc := newIncident(t, s, "db slow", "g")
	stores := []Store{s}
	if d.Replica != nil {
		stores = append(stores, d.Replica(t, s, clock), d.Replica(t, s, clock))
	}
	for round := range 5 {
		r := &incident.ActionRun{IncidentID: inc.ID, Action: "a", Actor: "alice", State: incident.RunConfirmed, RequestedAt: T0}
		createRun(t, s, r)
		var mu sync.Mutex
		starts := 0
		var wg sync.WaitGroup
		for i := range 8 {
			st := stores[i%len(stores)]
			wg.Go(func() {
				for {
					err := st.Update(ctx, func(tx incident.Tx) error {
						got, err := tx.ActionRun(ctx, r.ID)
						if err != nil || got.State != incident.RunConfirmed {
							return err
						}
						got.State, got.Attempts = incident.RunStarted, got.Attempts+1
						if err := tx.UpdateActionRun(ctx, got); err != nil {
							return err
						}
						mu.Lock()
						starts++
						mu.Unlock()
						return nil
					})
					if incident.ErrorKind(err) == incident.KindTransient {
						continue // a serialization failure: the attempt rolled back
					}
					if err != nil {
						t.Error(err)
					}
					return
				}
			})
		}
		wg.Wait()
		if got := readRun(t, s, r.ID); starts != 1 || got.Attempts != 1 || got.State != incident.RunStarted {
			t.Errorf("round %d: %d transactions started the run, it reads attempts %d state %s; want exactly one", round, starts, got.Attempts, got.State)
		}
	}
}
