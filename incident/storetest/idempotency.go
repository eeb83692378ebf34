package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// IdempotencyDriver opens the Idempotency-Key stores under test.
type IdempotencyDriver struct {
	// Open opens a fresh, empty store.
	Open func(t *testing.T) incident.IdempotencyStore
	// Replica, when set, opens another store on of's database, as a second
	// replica would: the reservations then race through several.
	Replica func(t *testing.T, of incident.IdempotencyStore) incident.IdempotencyStore
}

// RunIdempotency runs the rules of incident.IdempotencyStore's doc
// comment against d's stores.
func RunIdempotency(t *testing.T, d IdempotencyDriver) {
	rules := []struct {
		name string
		fn   func(t *testing.T, d IdempotencyDriver)
	}{
		{"ReserveOnceThenHeld", testReserveHeld},
		{"CompleteKeepsTheAnswer", testCompleteAnswer},
		{"ReleaseFreesARunningKeyOnly", testReleaseRunning},
		{"KeysAreOfTheirCaller", testKeysOfCaller},
		{"ExpiredKeyIsTakenOverAndFenced", testExpiredTakeover},
		{"PruneDeletesExpiredOnly", testPruneIdempotency},
		{"OneOfConcurrentReservationsWins", testReserveRace},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) { r.fn(t, d) })
	}
}

// reservation is a running request of caller with key, made at at.
func reservation(caller, key string, at time.Time) incident.IdempotentRequest {
	return incident.IdempotentRequest{Caller: caller, Key: key, Method: "POST", Path: "/api/v1/incidents",
		Fingerprint: "f-" + key, State: incident.IdempotencyRunning, CreatedAt: at, ExpiresAt: at.Add(incident.IdempotencyTTL)}
}

func reserve(t *testing.T, s incident.IdempotencyStore, r incident.IdempotentRequest) (incident.IdempotentRequest, bool) {
	t.Helper()
	got, fresh, err := s.ReserveIdempotency(context.Background(), r)
	if err != nil {
		t.Fatalf("reserve %q: %v", r.Key, err)
	}
	return got, fresh
}

// A new key is reserved; reserving it again returns the running request
// as it was stored, times to the nanosecond, and changes nothing.
func testReserveHeld(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	r := reservation("token-a", `k "1" é`, T0)
	if got, fresh := reserve(t, s, r); !fresh || !reflect.DeepEqual(got, r) {
		t.Fatalf("first reserve = %+v, %v; want %+v, fresh", got, fresh, r)
	}
	again := r
	again.Path, again.Fingerprint, again.CreatedAt = "/api/v1/incidents/INC-1/notes", "other", T0.Add(time.Minute)
	got, fresh := reserve(t, s, again)
	if fresh {
		t.Fatal("a held key was reserved again")
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("held = %+v\nwant %+v", got, r)
	}
}

// Completing a running reservation keeps its answer, which later
// reservations return; completing it again, or one never made, is
// KindNotFound.
func testCompleteAnswer(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	ctx := context.Background()
	r := reservation("token-a", "k1", T0)
	reserve(t, s, r)
	done := r
	done.State, done.Status, done.Body, done.Location = incident.IdempotencyDone, 201, []byte(`{"key": "INC-7", "title": "db \"slow\""}`+"\n"), "/api/v1/incidents/INC-7"
	if err := s.CompleteIdempotency(ctx, done); err != nil {
		t.Fatal(err)
	}
	got, fresh := reserve(t, s, reservation("token-a", "k1", T0.Add(time.Hour)))
	if fresh || !reflect.DeepEqual(got, done) {
		t.Errorf("after complete: %+v, fresh %v\nwant %+v", got, fresh, done)
	}
	if err := s.CompleteIdempotency(ctx, done); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("complete a done key: %v, want KindNotFound", err)
	}
	if err := s.CompleteIdempotency(ctx, reservation("token-a", "never", T0)); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("complete a key never reserved: %v, want KindNotFound", err)
	}
}

// Releasing a running reservation frees its key; releasing a done one,
// or one never made, changes nothing and is no error.
func testReleaseRunning(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	ctx := context.Background()
	r := reservation("token-a", "k1", T0)
	reserve(t, s, r)
	if err := s.ReleaseIdempotency(ctx, r); err != nil {
		t.Fatal(err)
	}
	r2 := reservation("token-a", "k1", T0.Add(time.Second))
	if _, fresh := reserve(t, s, r2); !fresh {
		t.Fatal("a released key was not free")
	}
	done := r2
	done.State, done.Status, done.Body = incident.IdempotencyDone, 200, []byte("{}")
	if err := s.CompleteIdempotency(ctx, done); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []incident.IdempotentRequest{r2, reservation("token-a", "never", T0)} {
		if err := s.ReleaseIdempotency(ctx, rel); err != nil {
			t.Errorf("release %q: %v", rel.Key, err)
		}
	}
	if got, fresh := reserve(t, s, reservation("token-a", "k1", T0.Add(time.Minute))); fresh || got.State != incident.IdempotencyDone {
		t.Errorf("a done key after release: %+v, fresh %v; want it kept", got, fresh)
	}
}

// The same key of two callers is two keys.
func testKeysOfCaller(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	reserve(t, s, reservation("token-a", "k1", T0))
	if _, fresh := reserve(t, s, reservation("token-b", "k1", T0)); !fresh {
		t.Error("another caller's key was held")
	}
}

// A key whose time is up is reserved anew, and the old reservation can
// neither be completed nor release the new one.
func testExpiredTakeover(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	ctx := context.Background()
	old := reservation("token-a", "k1", T0)
	reserve(t, s, old)
	if _, fresh := reserve(t, s, reservation("token-a", "k1", old.ExpiresAt.Add(-time.Nanosecond))); fresh {
		t.Fatal("reserved a nanosecond before the key expired")
	}
	fresh := reservation("token-a", "k1", old.ExpiresAt)
	fresh.Path = "/api/v1/incidents/INC-2/notes"
	if got, ok := reserve(t, s, fresh); !ok || !reflect.DeepEqual(got, fresh) {
		t.Fatalf("reserve the expired key: %+v, %v; want it fresh", got, ok)
	}
	done := old
	done.State, done.Status = incident.IdempotencyDone, 201
	if err := s.CompleteIdempotency(ctx, done); incident.ErrorKind(err) != incident.KindNotFound {
		t.Errorf("complete the replaced reservation: %v, want KindNotFound", err)
	}
	if err := s.ReleaseIdempotency(ctx, old); err != nil {
		t.Fatal(err)
	}
	if got, ok := reserve(t, s, reservation("token-a", "k1", old.ExpiresAt.Add(time.Second))); ok || got.Path != fresh.Path {
		t.Errorf("the old reservation's release touched the new one: %+v, fresh %v", got, ok)
	}
}

// Prune deletes keys expired at now, up to limit a call, and none live.
func testPruneIdempotency(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	ctx := context.Background()
	for i := range 5 {
		reserve(t, s, reservation("token-a", fmt.Sprintf("old-%d", i), T0))
	}
	reserve(t, s, reservation("token-a", "live", T0.Add(time.Hour)))
	now := T0.Add(incident.IdempotencyTTL)
	if n, err := s.PruneIdempotency(ctx, now, 3); err != nil || n != 3 {
		t.Fatalf("first prune: %d, %v; want 3", n, err)
	}
	if n, err := s.PruneIdempotency(ctx, now, 3); err != nil || n != 2 {
		t.Fatalf("second prune: %d, %v; want 2", n, err)
	}
	if n, err := s.PruneIdempotency(ctx, now, 3); err != nil || n != 0 {
		t.Fatalf("third prune: %d, %v; want 0", n, err)
	}
	if _, fresh := reserve(t, s, reservation("token-a", "live", now)); fresh {
		t.Error("the live key was pruned")
	}
	if _, fresh := reserve(t, s, reservation("token-a", "old-0", T0.Add(time.Minute))); !fresh {
		t.Error("a pruned key was still held")
	}
}

// Of many reservations of one key at once (through several replicas
// where the store has them), exactly one is fresh, and every other
// returns that one.
func testReserveRace(t *testing.T, d IdempotencyDriver) {
	s := d.Open(t)
	stores := []incident.IdempotencyStore{s}
	if d.Replica != nil {
		stores = append(stores, d.Replica(t, s), d.Replica(t, s))
	}
	const n = 12
	var wins atomic.Int32
	var mu sync.Mutex
	created := map[time.Time]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := reservation("token-a", "race", T0.Add(time.Duration(i)))
			got, fresh, err := stores[i%len(stores)].ReserveIdempotency(context.Background(), r)
			if err != nil {
				t.Errorf("reserve %d: %v", i, err)
				return
			}
			if fresh {
				wins.Add(1)
			}
			mu.Lock()
			created[got.CreatedAt]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if wins.Load() != 1 || len(created) != 1 {
		t.Errorf("%d reservations won, answers name %d reservations; want one", wins.Load(), len(created))
	}
}
