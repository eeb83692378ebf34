package main

import (
	"context"
	"net/http/cookiejar"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/singleton"
	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// replica is one warroom of several on one database.
type replica struct {
	*harness
	m *Main
}

// startReplica starts a warroom on cfg (its store shared with the other
// replicas) whose singletons use timings (zero: the defaults).
func startReplica(t testing.TB, cfg Config, timings singleton.Config) replica {
	t.Helper()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m, err := NewMainOn(ctx, cfg, nil, testLogWriter{t})
	if err != nil {
		cancel()
		t.Fatalf("NewMain: %v", err)
	}
	if timings != (singleton.Config{}) {
		if m.singletons, err = singleton.New(m.db, singleton.HolderID(), incident.SystemClock{}, m.log, timings); err != nil {
			t.Fatal(err)
		}
	}
	jar, _ := cookiejar.New(nil)
	h := &harness{t: t, URL: "http://" + m.Addr(), cfg: cfg, cancel: cancel, done: make(chan error, 1), client: noRedirectClient(jar)}
	go func() { h.done <- m.Run(ctx); m.Close() }()
	t.Cleanup(h.stop)
	h.waitFor("readyz", func() bool { code, _ := h.do("GET", "/readyz", nil, nil); return code == 200 })
	return replica{harness: h, m: m}
}

// holds reports whether the replica holds the singleton lease name.
func (r replica) holds(name string) bool {
	return slices.ContainsFunc(r.m.singletons.Held(), func(h incident.LeaseHold) bool { return h.Name == name })
}

// kill stops the replica as a crash would: its leases are not released.
func (r replica) kill() {
	r.m.singletons.Abandon()
	r.stop()
}

// TestFollowerFailover runs two warrooms on one database file against a
// real Icinga 2: one follows the event stream, the other waits. The
// follower is killed (its lease is not released); a HARD state change
// made while nobody follows still opens its incident once the other takes
// the lease over and resyncs.
func TestFollowerFailover(t *testing.T) {
	ic := icingatest.Start(t)
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "warroom-failover"}
	// Short leases, so the test waits seconds, not the 10s of the default
	// TTL; the takeover with the defaults is measured by
	// BenchmarkFollowerFailover.
	timings := singleton.Config{TTL: 5 * time.Second, RenewEvery: time.Second, Retry: 250 * time.Millisecond}
	a := startReplica(t, cfg, timings)
	a.waitFor("a to follow Icinga 2", func() bool { return a.holds(leaseIcingaFollower) })
	b := startReplica(t, cfg, timings)
	for _, name := range []string{leaseIcingaFollower, leaseJobPruner} {
		if b.holds(name) {
			t.Fatalf("b holds %s while a does", name)
		}
	}
	held, err := a.m.db.LeaseHolder(context.Background(), leaseIcingaFollower, time.Now())
	if err != nil || held.Holder != a.m.singletons.Holder() {
		t.Fatalf("the store says %+v, %v holds the follower, want a (%s)", held, err, a.m.singletons.Holder())
	}

	a.kill()
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - while nobody follows")
	if b.holds(leaseIcingaFollower) {
		t.Fatal("b already follows: the state change was not made while nobody followed (this machine is slower than the 5s lease)")
	}
	b.waitFor("b to take the follower over", func() bool { return b.holds(leaseIcingaFollower) })
	b.waitFor("the incident of the change made while nobody followed", func() bool {
		return len(b.incidents("")) == 1
	})
	if inc := b.incident("INC-1"); inc["source"] != "icinga2" || inc["title"] != icingatest.Service+" on "+icingatest.Host {
		t.Errorf("incident = %v", inc)
	}
	now, err := b.m.db.LeaseHolder(context.Background(), leaseIcingaFollower, time.Now())
	if err != nil || now.Holder != b.m.singletons.Holder() || now.Token <= held.Token {
		t.Errorf("after the takeover the store says %+v, %v; want b under a token above %d", now, err, held.Token)
	}
	_, out := b.do("GET", "/metrics", nil, map[string]string{"Authorization": "Bearer " + testAPIToken})
	if !strings.Contains(string(out), `warroom_singleton_held{name="icinga2-follower"} 1`) {
		t.Errorf("/metrics of b does not show the follower held:\n%s", grepLines(string(out), "singleton"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
