package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// followerReplicas starts a real Icinga 2 and two warroom processes on one
// PostgreSQL that follow it under queue, with leases short enough (ttl 4 s)
// that a failover test waits seconds. It returns the database too, to read
// the follower's lease row.
func followerReplicas(t *testing.T, queue string) (*icingatest.Server, *sql.DB, *replicaSet) {
	t.Helper()
	ic := icingatest.Start(t)
	dsn := pgtest.Database(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rs := startReplicas(t, buildBinary(t), 2, "WARROOM_STORE_DRIVER=postgres", "WARROOM_STORE_DSN="+dsn,
		"WARROOM_PUBLIC_URL=http://warroom.test", "WARROOM_API_TOKEN="+testAPIToken, "WARROOM_SOURCES_ALERTMANAGER_TOKEN="+testAMToken,
		"WARROOM_SOURCES_ICINGA2_URL="+ic.URL, "WARROOM_SOURCES_ICINGA2_USER="+ic.User, "WARROOM_SOURCES_ICINGA2_PASSWORD="+ic.Password,
		"WARROOM_SOURCES_ICINGA2_CA_FILE="+ic.CAFile, "WARROOM_SOURCES_ICINGA2_QUEUE="+queue,
		"WARROOM_SINGLETONS_TTL=4s", "WARROOM_SINGLETONS_RENEW_EVERY=1s", "WARROOM_SINGLETONS_RETRY=250ms")
	return ic, db, rs
}

// followerHolders asks every running replica's /metrics whether it holds
// the Icinga 2 follower lease and returns the ones that do.
func followerHolders(rs *replicaSet) []int {
	var out []int
	client := &http.Client{Timeout: 2 * time.Second}
	for i := range rs.slots {
		if rs.pid(i) == 0 {
			continue
		}
		resp, err := client.Get(rs.url(i) + "/metrics")
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), `warroom_singleton_held{name="`+leaseIcingaFollower+`"} 1`) {
			out = append(out, i)
		}
	}
	return out
}

// followerLease reads the follower's lease row from the shared database.
type followerLease struct {
	Holder            string
	Token             int64
	Until, AcquiredAt time.Time
}

func readFollowerLease(t *testing.T, db *sql.DB) followerLease {
	t.Helper()
	var l followerLease
	var until, acquired int64
	if err := db.QueryRow(`SELECT holder, token, until, acquired_at FROM leases WHERE name = $1`, leaseIcingaFollower).
		Scan(&l.Holder, &l.Token, &until, &acquired); err != nil {
		t.Fatalf("read the follower's lease: %v", err)
	}
	l.Until, l.AcquiredAt = time.Unix(0, until), time.Unix(0, acquired)
	return l
}

// TestFollowerFailoverOnProcessKill runs two warroom processes on one
// PostgreSQL against a real Icinga 2, finds the one that follows the event
// stream from its /metrics (warroom_singleton_held), and kills it with
// SIGKILL: no shutdown, its lease is not released. A HARD state change
// made while it is down (the lease still names the dead process) opens its
// incident through the survivor, which takes the lease over only after it
// lapsed, under a higher token, and resyncs; then the same the other way
// round for a recovery. The lease timings come from
// the config (singletons.*), short here so that the test waits seconds.
func TestFollowerFailoverOnProcessKill(t *testing.T) {
	ic, db, rs := followerReplicas(t, "warroom-process-failover")
	var holder int
	waitUntil(t, 20*time.Second, "one replica to follow Icinga 2", func() bool {
		h := followerHolders(rs)
		if len(h) > 1 {
			t.Fatalf("replicas %v all hold the follower", h)
		}
		if len(h) == 1 {
			holder = h[0]
		}
		return len(h) == 1
	})
	before := readFollowerLease(t, db)
	if want := fmt.Sprintf("/%d/", rs.pid(holder)); !strings.Contains(before.Holder, want) {
		t.Fatalf("the lease names %q, but replica %d (pid %d) says it holds the follower", before.Holder, holder, rs.pid(holder))
	}
	survivor := 1 - holder

	rs.kill(holder)
	killed := time.Now()
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - while its follower is dead")
	if now := readFollowerLease(t, db); now.Token != before.Token || now.Holder != before.Holder {
		t.Fatalf("the lease moved to %+v before the state change was made (this machine is slower than the 4s lease)", now)
	}
	waitUntil(t, 30*time.Second, "the survivor to take the follower over", func() bool {
		h := followerHolders(rs)
		return len(h) == 1 && h[0] == survivor
	})
	takeover := time.Since(killed)
	after := readFollowerLease(t, db)
	if after.Token <= before.Token || !strings.Contains(after.Holder, fmt.Sprintf("/%d/", rs.pid(survivor))) {
		t.Errorf("after the takeover the lease is %+v; want the survivor (pid %d) under a token above %d", after, rs.pid(survivor), before.Token)
	}
	if after.AcquiredAt.Before(before.Until) {
		t.Errorf("the survivor took the lease at %s, before the dead holder's lapsed at %s: two followers at once", after.AcquiredAt, before.Until)
	}
	h := &harness{t: t, URL: rs.url(survivor), client: noRedirectClient(newJar())}
	var incs []apiIncident
	waitUntil(t, 30*time.Second, "the incident of the change made while the follower was dead", func() bool {
		incs = h.incidents("")
		return len(incs) == 1
	})
	if inc := incs[0]; inc.Source != "icinga2" || inc.Title != icingatest.Service+" on "+icingatest.Host {
		t.Errorf("incident = %+v, want the Icinga 2 service's", inc)
	}
	t.Logf("the follower was taken over %.1fs after the kill (lease ttl 4s, retry 250ms), its incident opened %.1fs after",
		takeover.Seconds(), time.Since(killed).Seconds())

	// The other way round: the first replica comes back, the survivor dies,
	// and the service recovers while nobody follows. The recovery reaches
	// the incident through the takeover's resync.
	if err := rs.restart(holder); err != nil {
		t.Fatal(err)
	}
	second := readFollowerLease(t, db)
	rs.kill(survivor)
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 0, "HTTP OK - while its follower is dead")
	if now := readFollowerLease(t, db); now.Token != second.Token {
		t.Fatalf("the lease moved to %+v before the recovery was made (this machine is slower than the 4s lease)", now)
	}
	waitUntil(t, 30*time.Second, "the restarted replica to take the follower over", func() bool {
		h := followerHolders(rs)
		return len(h) == 1 && h[0] == holder
	})
	h = &harness{t: t, URL: rs.url(holder), client: noRedirectClient(newJar())}
	waitUntil(t, 30*time.Second, "the recovery made while the follower was dead to resolve the incident", func() bool {
		incs = h.incidents("")
		return len(incs) == 1 && incs[0].Status == "resolved"
	})
}

// waitUntil polls cond until it holds, failing the test after limit.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond) // polling, with a deadline
	}
}
