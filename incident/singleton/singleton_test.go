package singleton

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

const lease = "icinga2-follower"

// world is replicas sharing one store of leases and one fake clock; each
// runs the same singleton, whose task checks that it never runs twice.
type world struct {
	t       *testing.T
	clock   *fakeClock
	leases  *memLeases
	running atomic.Int32
}

type replica struct {
	holder string
	g      *Group
	cancel context.CancelFunc
	done   chan struct{}
	starts chan incident.LeaseHold
	stops  chan struct{}
}

func newWorld(t *testing.T) *world { return &world{t: t, clock: newClock(), leases: newLeases()} }

// start runs a replica's singleton and waits for it to settle with timers
// pending in total.
func (w *world) start(holder string, timers int) *replica {
	w.t.Helper()
	g, err := New(w.leases, holder, view{w.clock, holder}, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &replica{holder: holder, g: g, cancel: cancel, done: make(chan struct{}), starts: make(chan incident.LeaseHold, 16), stops: make(chan struct{}, 16)}
	go func() {
		defer close(r.done)
		g.Run(ctx, lease, func(ctx context.Context) {
			h, ok := Holding(ctx)
			if !ok || h.Holder != holder {
				w.t.Errorf("task of %s runs under %+v", holder, h)
			}
			if n := w.running.Add(1); n > 1 {
				w.t.Errorf("%s started while another replica runs the task (%d at once)", holder, n)
			}
			r.starts <- h
			<-ctx.Done()
			w.running.Add(-1)
			r.stops <- struct{}{}
		})
	}()
	w.t.Cleanup(func() { cancel(); <-r.done })
	w.t.Cleanup(func() { w.clock.drop(holder) })
	w.clock.settle(w.t, timers)
	return r
}

// started waits for the replica's task to start (the guard is for a bug
// only: the start was already decided when the clock settled).
func (w *world) started(r *replica) incident.LeaseHold {
	w.t.Helper()
	select {
	case h := <-r.starts:
		return h
	case <-time.After(10 * time.Second):
		w.t.Fatal("task did not start")
		return incident.LeaseHold{}
	}
}

func (w *world) stopped(r *replica) {
	w.t.Helper()
	select {
	case <-r.stops:
	case <-time.After(10 * time.Second):
		w.t.Fatal("task did not stop")
	}
}

func idle(r *replica) bool { return len(r.starts) == 0 }

// stepUntil steps the clock a second at a time, timers pending after each
// step, until r's task starts, and returns how long it took.
func (w *world) stepUntil(r *replica, timers int, limit time.Duration) (time.Duration, incident.LeaseHold) {
	w.t.Helper()
	for d := time.Second; d <= limit; d += time.Second {
		w.clock.step(w.t, time.Second, timers)
		// The lease says who took over once the clock settled; the task's
		// start is its goroutine's next step, so wait for that, not poll it.
		if h, err := w.leases.LeaseHolder(context.Background(), lease, w.clock.Now()); err == nil && h.Holder == r.holder {
			return d, w.started(r)
		}
	}
	w.t.Fatalf("no takeover within %v", limit)
	return 0, incident.LeaseHold{}
}

// TestExclusive: while the holder renews, the other replica never runs
// the task, however long it tries.
func TestExclusive(t *testing.T) {
	w := newWorld(t)
	a := w.start("a", 1)
	if h := w.started(a); h.Token != 1 {
		t.Errorf("first holding token %d, want 1", h.Token)
	}
	b := w.start("b", 2)
	for range 120 {
		w.clock.step(t, time.Second, 2)
	}
	if !idle(b) || len(a.stops) != 0 {
		t.Errorf("b started %d times, a stopped %d times: the holder keeps the lease while it renews", len(b.starts), len(a.stops))
	}
	if got := a.g.Held(); len(got) != 1 || got[0].Name != lease || b.g.Held() == nil || len(b.g.Held()) != 0 {
		t.Errorf("held: a %+v, b %+v", got, b.g.Held())
	}
}

// TestTakeoverAfterCrash: the holder dies without releasing (its renewals
// stop); the other takes over once the lease lapses, within 15s of the
// last renewal and never before the lapse, under a greater token.
func TestTakeoverAfterCrash(t *testing.T) {
	w := newWorld(t)
	a := w.start("a", 1)
	w.started(a)
	b := w.start("b", 2)
	w.clock.step(t, 3*time.Second, 2) // a renews once
	lastRenewal := w.clock.Now()
	a.g.Abandon()
	a.cancel()
	<-a.done
	w.stopped(a)
	w.clock.drop(a.holder)
	w.clock.settle(t, 1)
	took, h := w.stepUntil(b, 1, 15*time.Second)
	if took <= DefaultTTL-time.Second || took > 15*time.Second {
		t.Errorf("takeover %v after the last renewal, want after the TTL (%v) and within 15s", took, DefaultTTL)
	}
	if got := w.clock.Now().Sub(lastRenewal); got < DefaultTTL {
		t.Errorf("b took over %v after a's last renewal: before the lease lapsed", got)
	}
	if h.Token != 2 || h.Holder != "b" {
		t.Errorf("takeover holding %+v, want token 2 for b", h)
	}
}

// TestTakeoverOnRelease: a holder that shuts down cleanly releases its
// lease, so the other takes over at its next try, without waiting for the
// lease to lapse.
func TestTakeoverOnRelease(t *testing.T) {
	w := newWorld(t)
	a := w.start("a", 1)
	w.started(a)
	b := w.start("b", 2)
	a.cancel()
	<-a.done
	w.stopped(a)
	w.clock.drop(a.holder)
	w.clock.settle(t, 1)
	took, h := w.stepUntil(b, 1, 15*time.Second)
	if took > DefaultRetry {
		t.Errorf("takeover after a release took %v, want within one try (%v)", took, DefaultRetry)
	}
	if h.Token != 2 {
		t.Errorf("token %d after a release, want 2: tokens grow with each holder", h.Token)
	}
}

// TestRenewalFailureStopsTask: a holder cut from the database stops its
// task at the first failed renewal, long before its lease lapses for the
// others; the other replica takes over after the lapse, and the first
// takes it back only after the second is gone, each time with a greater
// token.
func TestRenewalFailureStopsTask(t *testing.T) {
	w := newWorld(t)
	a := w.start("a", 1)
	w.started(a)
	until := w.clock.Now().Add(DefaultTTL)
	b := w.start("b", 2)
	w.leases.cut("a", true)
	w.clock.step(t, DefaultRenewEvery, 2)
	w.stopped(a)
	if margin := until.Sub(w.clock.Now()); margin < DefaultTTL/2 {
		t.Errorf("a stopped %v before its lease lapsed, want at least %v", margin, DefaultTTL/2)
	}
	if len(a.g.Held()) != 0 {
		t.Errorf("a still reports %+v held", a.g.Held())
	}
	_, h := w.stepUntil(b, 2, 15*time.Second)
	if w.clock.Now().Before(until) || h.Token != 2 {
		t.Errorf("b took over at %v under token %d, want after %v under token 2", w.clock.Now(), h.Token, until)
	}
	w.leases.cut("a", false)
	for range 30 {
		w.clock.step(t, time.Second, 2)
	}
	if !idle(a) {
		t.Error("a took the lease back while b renews it")
	}
	b.cancel()
	<-b.done
	w.stopped(b)
	w.clock.drop(b.holder)
	w.clock.settle(t, 1)
	if _, h := w.stepUntil(a, 1, 15*time.Second); h.Token != 3 {
		t.Errorf("a took it back under token %d, want 3", h.Token)
	}
}

// TestLapsedRenewalRestartsTask: a holder whose renewal comes after its
// lease lapsed (the process was paused) gets a new holding with a greater
// token; the task started under the old one is stopped and started anew.
func TestLapsedRenewalRestartsTask(t *testing.T) {
	w := newWorld(t)
	g, err := New(w.leases, "a", w.clock, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := incident.LeaseHold{Name: lease, Holder: "a", Token: 1, Until: w.clock.Now().Add(DefaultTTL)}
	w.leases.rows[lease] = incident.LeaseHold{Name: lease, Holder: "a", Token: 1, Until: w.clock.Now()} // lapsed already
	tasks := make(chan struct{})
	stop := make(chan error, 1)
	go func() { stop <- g.renew(context.Background(), h, tasks) }()
	w.clock.settle(t, 1)
	w.clock.step(t, DefaultRenewEvery, 0)
	if err := <-stop; err == nil {
		t.Fatal("renewal after a lapse kept the task running")
	}
	if r := w.leases.rows[lease]; r.Token != 2 {
		t.Errorf("token after a lapsed renewal %d, want 2", r.Token)
	}
}

// TestConfigValidate refuses timings under which a holder could still run
// after its lease lapsed for the others.
func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg Config
		ok  bool
	}{
		{Config{}, true},
		{Config{TTL: time.Second, RenewEvery: 300 * time.Millisecond, Retry: 200 * time.Millisecond}, true},
		{Config{TTL: 10 * time.Second, RenewEvery: 5 * time.Second}, false},
		{Config{TTL: 4 * time.Second}, false},
	} {
		if err := c.cfg.Validate(); (err == nil) != c.ok {
			t.Errorf("Validate(%+v) = %v, want ok %v", c.cfg, err, c.ok)
		}
	}
}
