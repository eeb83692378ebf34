package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// signal sends replica i a signal (SIGSTOP pauses it whole, as a frozen VM
// or a long stall would; SIGCONT lets it go on).
func (rs *replicaSet) signal(t *testing.T, i int, sig syscall.Signal) {
	t.Helper()
	rs.mu.Lock()
	cmd := rs.slots[i].cmd
	rs.mu.Unlock()
	if cmd == nil {
		t.Fatalf("replica %d is not running", i)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// heldMetric reads replica i's warroom_singleton_held for the follower:
// "1" while it holds it, "0" while another replica does, "" when it does
// not answer (or its /metrics lacks the line).
func heldMetric(rs *replicaSet, i int) string {
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(rs.url(i) + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	prefix := `warroom_singleton_held{name="` + leaseIcingaFollower + `"} `
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return v
		}
	}
	return ""
}

// TestPausedFollowerIsFencedOnProcessStop pauses the replica that follows
// Icinga 2 with SIGSTOP: no crash, no lost connection, its process simply
// stops and its lease lapses. The other replica takes the follower over
// and opens the incident of a HARD change made meanwhile. When the paused
// one goes on (SIGCONT) it still believes, for a moment, that it follows:
// it gives the follower up, and whatever it tries to write under its
// lapsed lease is refused by the fence; the recovery made then is applied
// once, by the new holder.
func TestPausedFollowerIsFencedOnProcessStop(t *testing.T) {
	ic, db, rs := followerReplicas(t, "warroom-pause")
	var paused int
	waitUntil(t, 20*time.Second, "one replica to follow Icinga 2", func() bool {
		h := followerHolders(rs)
		if len(h) == 1 {
			paused = h[0]
		}
		return len(h) == 1
	})
	other := 1 - paused
	if v := heldMetric(rs, other); v != "0" {
		t.Fatalf("the standby's /metrics says warroom_singleton_held %q for the follower, want 0", v)
	}
	before := readFollowerLease(t, db)

	rs.signal(t, paused, syscall.SIGSTOP)
	stopped := time.Now()
	t.Cleanup(func() { rs.signal(t, paused, syscall.SIGCONT) }) // never leave it stopped
	waitUntil(t, 30*time.Second, "the other replica to take the follower over", func() bool {
		h := followerHolders(rs) // the paused one does not answer
		return len(h) == 1 && h[0] == other
	})
	after := readFollowerLease(t, db)
	if after.Token <= before.Token || after.AcquiredAt.Before(before.Until) {
		t.Fatalf("lease before the pause %+v, after %+v: want a higher token, taken after the old one lapsed", before, after)
	}
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - while the old follower is paused")
	h := &harness{t: t, URL: rs.url(other), client: noRedirectClient(newJar())}
	var incs []apiIncident
	waitUntil(t, 30*time.Second, "the incident of the change made during the pause", func() bool {
		incs = h.incidents("")
		return len(incs) == 1
	})
	key := incs[0].Key
	t.Logf("the follower was taken over %.1fs after the pause (lease ttl 4s)", time.Since(stopped).Seconds())

	rs.signal(t, paused, syscall.SIGCONT)
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 0, "HTTP OK - after the old follower went on")
	waitUntil(t, 30*time.Second, "the recovery to resolve the incident", func() bool {
		incs = h.incidents("")
		return len(incs) == 1 && incs[0].Status == "resolved"
	})
	deadline := time.Now().Add(30 * time.Second)
	for heldMetric(rs, paused) != "0" {
		if time.Now().After(deadline) {
			lines := replicaLog(t, rs, paused)
			t.Fatalf("the paused replica, going on, still says held=%q 30s later; its log ends:\n%s", heldMetric(rs, paused),
				strings.Join(lines[max(0, len(lines)-15):], "\n"))
		}
		time.Sleep(20 * time.Millisecond) // polling, with a deadline
	}
	if held := followerHolders(rs); len(held) != 1 || held[0] != other {
		t.Fatalf("follower holders %v after the pause, want only replica %d", held, other)
	}
	if now := readFollowerLease(t, db); now.Token != after.Token {
		t.Errorf("the lease moved to %+v after the paused replica went on; want it kept by the new holder (token %d)", now, after.Token)
	}

	firing, resolved := 0, 0
	for _, ev := range h.timeline(key) {
		switch ev.Kind {
		case "alert_firing":
			firing++
		case "alert_resolved":
			resolved++
		}
	}
	if firing != 1 || resolved != 1 {
		t.Errorf("%s holds %d firing and %d resolved alert events, want one each", key, firing, resolved)
	}
	// What the paused replica read from its stream after it went on, if
	// anything, it left to the new holder (its task stopped, or the fence
	// refused the write): no error for the operator to chase.
	for _, line := range replicaLog(t, rs, paused) {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("the paused replica logged an error after it went on: %s", line)
		}
	}
}

// replicaLog returns the lines of replica i's current log.
func replicaLog(t *testing.T, rs *replicaSet, i int) []string {
	t.Helper()
	rs.mu.Lock()
	path := rs.slots[i].log
	rs.mu.Unlock()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
