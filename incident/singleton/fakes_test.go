package singleton

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// fakeClock is an incident.Timers that moves only when the test steps it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	owner string
	at    time.Time
	c     chan time.Time
}

// view is the clock as one replica sees it: its timers are its own, so
// that the test can drop them when the replica is gone.
type view struct {
	*fakeClock
	owner string
}

func (v view) After(d time.Duration) <-chan time.Time { return v.after(v.owner, d) }

// drop forgets the pending timers of a replica that stopped.
func (c *fakeClock) drop(owner string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if w.owner != owner {
			keep = append(keep, w)
		}
	}
	c.waiters = keep
}

func newClock() *fakeClock { return &fakeClock{now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time { return c.after("", d) }

func (c *fakeClock) after(owner string, d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{owner: owner, at: c.now.Add(d), c: ch})
	return ch
}

// waiting is how many timers are pending.
func (c *fakeClock) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// settle waits until n timers are pending: every goroutine the test runs
// has done its step and waits on the clock again. It waits on the
// goroutines, never on the wall clock.
func (c *fakeClock) settle(t *testing.T, n int) {
	t.Helper()
	for i := 0; c.waiting() != n; i++ {
		if i > 1_000_000 {
			t.Fatalf("%d timers pending, want %d", c.waiting(), n)
		}
		runtime.Gosched()
	}
}

// step moves the clock by d and fires the timers due, then waits for n
// timers to be pending again.
func (c *fakeClock) step(t *testing.T, d time.Duration, n int) {
	t.Helper()
	c.mu.Lock()
	c.now = c.now.Add(d)
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			keep = append(keep, w)
		} else {
			w.c <- c.now
		}
	}
	c.waiters = keep
	c.mu.Unlock()
	c.settle(t, n)
}

// memLeases is an in-memory incident.Leases with the port's rules; fail
// makes the calls of one holder fail, as a replica cut from the database.
type memLeases struct {
	mu    sync.Mutex
	rows  map[string]incident.LeaseHold
	fail  map[string]bool
	calls int
}

func newLeases() *memLeases {
	return &memLeases{rows: map[string]incident.LeaseHold{}, fail: map[string]bool{}}
}

func (m *memLeases) cut(holder string, cut bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fail[holder] = cut
}

func (m *memLeases) AcquireLease(_ context.Context, name, holder string, now, until time.Time) (incident.LeaseHold, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.fail[holder] {
		return incident.LeaseHold{}, fmt.Errorf("acquire lease: database unreachable")
	}
	r, ok := m.rows[name]
	live := ok && r.Holder != "" && r.Until.After(now)
	switch {
	case live && r.Holder == holder:
		r.Until = until
	case live:
		return incident.LeaseHold{}, fmt.Errorf("acquire lease %q: %w", name, incident.ErrLeaseHeld)
	default:
		r = incident.LeaseHold{Name: name, Holder: holder, Token: r.Token + 1, Until: until}
	}
	m.rows[name] = r
	return r, nil
}

func (m *memLeases) ReleaseLease(_ context.Context, name, holder string, token int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail[holder] {
		return fmt.Errorf("release lease: database unreachable")
	}
	if r := m.rows[name]; r.Holder == holder && r.Token == token {
		r.Holder, r.Until = "", time.Time{}
		m.rows[name] = r
	}
	return nil
}

func (m *memLeases) LeaseHolder(_ context.Context, name string, now time.Time) (incident.LeaseHold, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.rows[name]; ok && r.Holder != "" && r.Until.After(now) {
		return r, nil
	}
	return incident.LeaseHold{}, incident.Errorf(incident.KindNotFound, "lease %q is free", name)
}
