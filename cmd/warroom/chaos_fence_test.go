package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/singleton"
	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// stalledTimers is the wall clock whose timers never fire: a singleton
// run on it takes its lease at once and then never renews it, as a
// process paused past its lease (a long GC, a frozen VM) does not.
type stalledTimers struct{ incident.SystemClock }

func (stalledTimers) After(time.Duration) <-chan time.Time { return nil }

// TestFollowerThatLostItsLeaseCannotWrite: the Icinga 2 follower of a
// replica whose lease was taken over while it did not notice (its renewal
// never runs here) still reads the event stream, but what it reads is
// not recorded: the transaction that would open the incident checks the
// follower's fencing token (singleton.Holding, incident.WithFence) and is
// refused, so only the new holder writes. Before the fence, this replica
// opened the incident (and, on a real pause, both followers would write).
func TestFollowerThatLostItsLeaseCannotWrite(t *testing.T) {
	ic := icingatest.Start(t)
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "warroom-fence"}
	cfg.Log.Level = "info" // the follower says when it is connected
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{t: t}
	ctx, cancel := context.WithCancel(context.Background())
	m, err := NewMainOn(ctx, cfg, nil, logs)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if m.singletons, err = singleton.New(m.db, "paused-replica", stalledTimers{}, m.log, singleton.Config{}); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, URL: "http://" + m.Addr(), cfg: cfg, cancel: cancel, done: make(chan error, 1), client: noRedirectClient(newJar())}
	go func() { h.done <- m.Run(ctx); m.Close() }()
	t.Cleanup(h.stop)
	r := replica{harness: h, m: m}
	r.waitFor("the replica to follow Icinga 2", func() bool { return r.holds(leaseIcingaFollower) })
	r.waitFor("the follower to be connected", func() bool { return strings.Contains(logs.String(), "following the Icinga 2 event stream") })

	// Another replica takes the lease over once it lapsed; this one does
	// not notice, and its follower goes on reading.
	held, err := m.db.LeaseHolder(context.Background(), leaseIcingaFollower, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	taken, err := m.db.AcquireLease(context.Background(), leaseIcingaFollower, "the-other-replica", held.Until, time.Now().Add(time.Hour))
	if err != nil || taken.Token <= held.Token {
		t.Fatalf("take the lease over: %+v, %v", taken, err)
	}
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - read by a follower that lost its lease")
	r.waitFor("the follower's write to be refused", func() bool {
		return strings.Contains(logs.String(), "no longer holds the lease it writes under")
	})
	if incs := h.incidents(""); len(incs) != 0 {
		t.Errorf("the follower that lost its lease opened %+v", incs)
	}
	if !r.holds(leaseIcingaFollower) {
		t.Error("the replica stopped following by itself: the test no longer shows the fence (its renewal must not run)")
	}
}
