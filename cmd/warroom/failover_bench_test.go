package main

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/singleton"
	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// BenchmarkFollowerFailover measures, with the default lease timings and
// the wall clock, how long the Icinga 2 follower is without a replica when
// its holder is killed (no release): from the kill to the other replica
// holding the lease (takeover-s), and to the incident of a HARD change
// made just after the kill (incident-s, the takeover plus the resync).
// floor-s is what was left of the dead holder's lease at the kill: no
// takeover can come sooner; takeover/floor is the overhead over it. The
// kill comes at a random moment of the renewal period, so the figures are
// averages over the phases; the worst case is TTL + Retry (12s).
//
//	go test ./cmd/warroom/ -run '^$' -bench BenchmarkFollowerFailover -benchtime 5x
func BenchmarkFollowerFailover(b *testing.B) {
	ic := icingatest.Start(b)
	var takeover, incident, floor time.Duration
	for i := 0; b.Loop(); i++ {
		ic.SetServiceState(b, icingatest.Host, icingatest.Service, 0, "HTTP OK")
		cfg := testConfig(b)
		cfg.Store.DSN = filepath.Join(b.TempDir(), "failover.db")
		cfg.Sources.Icinga2 = Icinga2Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "warroom-failover-bench"}
		x := startReplica(b, cfg, singleton.Config{})
		x.waitFor("the first replica to follow", func() bool { return x.holds(leaseIcingaFollower) })
		y := startReplica(b, cfg, singleton.Config{})
		// Die at any moment of the renewal period, as a real crash does:
		// a kill just after the holder took the lease would see the
		// standby's tries line up with the lapse.
		time.Sleep(rand.N(singleton.DefaultRenewEvery) + singleton.DefaultRenewEvery)
		killed := time.Now()
		x.kill()
		ic.SetServiceState(b, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - during the failover")
		held, err := y.m.db.LeaseHolder(context.Background(), leaseIcingaFollower, killed)
		if err != nil {
			b.Fatalf("nobody holds the follower right after the kill (%v): the kill released it", err)
		}
		floor += held.Until.Sub(killed)
		for !y.holds(leaseIcingaFollower) {
			if time.Since(killed) > 30*time.Second {
				b.Fatal("no takeover within 30s")
			}
			time.Sleep(5 * time.Millisecond)
		}
		takeover += time.Since(killed)
		for {
			if len(y.incidents("")) == 1 {
				break
			}
			if time.Since(killed) > 30*time.Second {
				b.Fatal("no incident within 30s of the kill")
			}
			time.Sleep(5 * time.Millisecond)
		}
		incident += time.Since(killed)
		y.stop()
	}
	n := float64(b.N)
	b.ReportMetric(takeover.Seconds()/n, "takeover-s")
	b.ReportMetric(incident.Seconds()/n, "incident-s")
	b.ReportMetric(floor.Seconds()/n, "floor-s")
	b.ReportMetric(takeover.Seconds()/floor.Seconds(), "takeover/floor")
	b.ReportMetric(0, "ns/op")
}
