package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// process is warroom running as a real child process, so that a test can
// kill it the hard way (SIGKILL: no shutdown, no deferred code).
type process struct {
	cmd *exec.Cmd
	h   *harness
}

// buildBinary compiles cmd/warroom once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "warroom")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var upRE = regexp.MustCompile(`msg="warroom is up" addr=(\S+)`)

// startProcess runs the binary on dbPath with extra WARROOM_ variables and
// waits until it is ready.
func startProcess(t *testing.T, bin, dbPath string, env ...string) *process {
	t.Helper()
	return startProcessArgs(t, bin, []string{"serve"}, dbPath, env...)
}

// startProcessArgs is startProcess running the binary with args (serve
// -config FILE).
func startProcessArgs(t *testing.T, bin string, args []string, dbPath string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "WARROOM_LISTEN=127.0.0.1:0", "WARROOM_PUBLIC_URL=http://warroom.test",
		"WARROOM_STORE_DSN="+dbPath, "WARROOM_API_TOKEN="+testAPIToken, "WARROOM_SOURCES_ALERTMANAGER_TOKEN="+testAMToken,
		"WARROOM_JOBS_BASE_DELAY=10ms", "WARROOM_JOBS_MAX_DELAY=100ms")
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := upRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			if testing.Verbose() {
				t.Log(sc.Text())
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	p := &process{cmd: cmd}
	t.Cleanup(func() { p.kill() })
	select {
	case a := <-addr:
		jar, _ := cookiejar.New(nil)
		p.h = &harness{t: t, URL: "http://" + a, client: &http.Client{Jar: jar, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	case <-time.After(20 * time.Second):
		t.Fatal("warroom did not come up within 20s")
	}
	return p
}

// kill sends SIGKILL and reaps the process.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

// openIncidentWithTalk declares an incident and has alice say something in
// its builtin channel; it returns the message text.
func openIncidentWithTalk(t *testing.T, h *harness, n int) (key, said string) {
	t.Helper()
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]string{"title": fmt.Sprintf("disk full on db-%d", n), "severity": "high"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	key = inc.Key
	room := h.channelID(key)
	said = fmt.Sprintf("cleaned /var/log on db-%d", n)
	if code, body := h.do("POST", "/channels/"+room+"/messages", url.Values{"text": {said}}, nil); code != http.StatusSeeOther {
		t.Fatalf("say: %d %s", code, body)
	}
	return key, said
}

// checkArchivedOnce asserts that the archive of key happened exactly once
// and holds what was said.
func checkArchivedOnce(t *testing.T, h *harness, key, said string) {
	t.Helper()
	kinds := map[string]int{}
	for _, ev := range h.timeline(key) {
		kinds[ev.Kind]++
	}
	want := map[string]int{"transcript_built": 1, "archive_verified": 1, "channel_deleted": 1, "channel_opened": 1, "ticket_opened": 1}
	if diff := cmp.Diff(want, kinds, cmpopts.IgnoreMapEntries(func(k string, _ int) bool { _, ok := want[k]; return !ok })); diff != "" {
		t.Errorf("%s: timeline events by kind (-want +got), each exactly once:\n%s", key, diff)
	}
	code, md := h.do("GET", "/api/v1/incidents/"+key+"/transcript?format=md", nil, bearerAPI)
	if code != 200 {
		t.Fatalf("%s transcript: %d %s", key, code, md)
	}
	if n := strings.Count(string(md), said); n != 1 {
		t.Errorf("%s: the transcript holds %q %d times, want 1:\n%s", key, said, n, md)
	}
	for what, marker := range map[string]string{"welcome": "This channel is for the response.", "summary": "[incident page]",
		"status": "**Status: "} {
		if n := strings.Count(string(md), marker); n != 1 {
			t.Errorf("%s: the %s post is in the transcript %d times, want 1", key, what, n)
		}
	}
	// The last step marks the incident archived before its job is finished,
	// so wait until no job of the incident is pending or running.
	h.waitJobsDone(key)
	for _, job := range h.jobs(key) {
		if job.State != "done" {
			t.Errorf("%s: job %s is %s (%s), want done", key, job.Kind, job.State, job.LastError)
		}
	}
}

// TestKillBetweenVerifyAndDelete kills the process after the transcript is
// stored and verified and before the channel is deleted, restarts it on the
// same database, and checks that the archive completes exactly once.
func TestKillBetweenVerifyAndDelete(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "warroom.db")

	// Deletion is paused, so the process is certainly between the two steps.
	p := startProcess(t, bin, db, "WARROOM_JOBS_PAUSED=channel.delete")
	p.h.login("alice")
	key, said := openIncidentWithTalk(t, p.h, 1)
	if code, out := p.h.api("POST", "/incidents/"+key+"/close", map[string]string{"actor": "alice", "reason": "disk freed"}); code != 200 {
		t.Fatalf("close: %d %v", code, out)
	}
	p.h.waitFor("verified archive", func() bool { return countKind(p.h.events(key), "archive_verified") == 1 })
	if inc := p.h.incident(key); inc["status"] != "closed" || countKind(p.h.events(key), "channel_deleted") != 0 {
		t.Fatalf("the channel went before the kill: %v", inc)
	}
	p.kill()

	p = startProcess(t, bin, db)
	p.h.waitStatus(key, "archived")
	checkArchivedOnce(t, p.h, key, said)
}

// TestKillAtRandomMomentsCompletesExactlyOnce closes several incidents and
// then kills the process again and again at random moments while their
// archives run, restarting it each time on the same database. Every archive
// must complete, each step exactly once.
func TestKillAtRandomMomentsCompletesExactlyOnce(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "warroom.db")
	p := startProcess(t, bin, db)
	p.h.login("alice")
	said := map[string]string{}
	for n := range 4 {
		key, text := openIncidentWithTalk(t, p.h, n)
		said[key] = text
	}
	// Close one incident at a time and kill the process a few milliseconds
	// later, so the kills land inside the archive steps at varying points.
	// The keys go in order, so that the seed alone decides the run.
	rng := crashRand(t)
	kills := 0
	for _, key := range slices.Sorted(maps.Keys(said)) {
		if code, out := p.h.api("POST", "/incidents/"+key+"/close", map[string]string{"actor": "alice"}); code != 200 {
			t.Fatalf("close %s: %d %v", key, code, out)
		}
		time.Sleep(time.Duration(rng.IntN(8000)) * time.Microsecond)
		p.kill()
		kills++
		p = startProcess(t, bin, db)
	}
	t.Logf("killed the process %d times", kills)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for key, text := range said {
		for ctx.Err() == nil && p.h.getIncident(key).Status != "archived" {
			time.Sleep(20 * time.Millisecond)
		}
		if ctx.Err() != nil {
			t.Fatalf("%s was not archived after the restarts", key)
		}
		checkArchivedOnce(t, p.h, key, text)
	}
}

var crashSeed = flag.Uint64("crash.seed", 0, "seed of the kill moments in the crash tests (0: from the clock); each test logs the seed it used")

// crashRand is the random source of a crash test. It logs its seed and the
// command that repeats the run with it (-crash.seed).
func crashRand(t *testing.T) *rand.Rand {
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("kill moments from seed %d; repeat with: go test ./cmd/warroom/ -run '^%s$' -crash.seed=%d", seed, t.Name(), seed)
	return rand.New(rand.NewPCG(seed, 42))
}

// TestKillDuringStormOpensEachChannelOnce sends a storm of new alert groups
// from concurrent senders that retry as Alertmanager does, and kills the
// process at random moments while the hooks are answered and the jobs drain.
// Afterwards every group has exactly one incident, one channel and one
// welcome and status post: nothing lost, nothing twice.
func TestKillDuringStormOpensEachChannelOnce(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "warroom.db")
	rng := crashRand(t)
	firing := readTestdata(t, "alertmanager-0.31.1-firing.json")
	const groups, senders, kills = 60, 8, 3
	body := func(i int) []byte {
		return bytes.Replace(firing, []byte(`"groupKey": "{}:{alertname=\"HighLatency\"}"`),
			fmt.Appendf(nil, `"groupKey": "{}:{alertname=\"HighLatency\", n=\"%d\"}"`, i), 1)
	}
	if bytes.Equal(body(1), firing) {
		t.Fatal("the test data's groupKey changed; the storm would be one group")
	}
	var mu sync.Mutex
	p := startProcess(t, bin, db)
	current := func() *process { mu.Lock(); defer mu.Unlock(); return p }
	// Senders retry each notification until it is accepted, through kills.
	work := make(chan int, groups)
	for i := range groups {
		work <- i
	}
	close(work)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for i := range work {
				for {
					url := current().h.URL + "/hooks/alertmanager"
					req, _ := http.NewRequest("POST", url, bytes.NewReader(body(i)))
					req.Header.Set("Authorization", "Bearer "+testAMToken)
					req.Header.Set("Content-Type", "application/json")
					resp, err := http.DefaultClient.Do(req)
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode < 300 {
							break
						}
						if resp.StatusCode < 500 {
							t.Errorf("group %d: %d", i, resp.StatusCode)
							break
						}
					}
					time.Sleep(10 * time.Millisecond) // a sender's retry interval, not a wait on the process
				}
			}
		})
	}
	for range kills {
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		mu.Lock()
		p.kill()
		p = startProcess(t, bin, db)
		mu.Unlock()
	}
	wg.Wait()
	h := current().h
	h.login("alice")
	var incs []apiIncident
	h.waitFor("every channel and welcome post", func() bool {
		if incs = h.incidents("?limit=1000"); len(incs) < groups {
			return false
		}
		var stats struct {
			ByState map[string]int `json:"by_state"`
		}
		h.get("/jobs/stats", &stats)
		return stats.ByState["pending"] == 0 && stats.ByState["running"] == 0
	})
	if len(incs) != groups {
		t.Fatalf("%d incidents for %d alert groups", len(incs), groups)
	}
	for _, inc := range incs {
		key := inc.Key
		if n := countKind(h.events(key), "channel_opened"); n != 1 {
			t.Errorf("%s: %d channel_opened events, want 1", key, n)
		}
		code, page := h.do("GET", "/channels/"+inc.Channel.ID+"/log", nil, nil)
		if code != 200 {
			t.Fatalf("%s channel log: %d", key, code)
		}
		for what, marker := range map[string]string{"welcome": "This channel is for the response.", "status": "Status: "} {
			if n := strings.Count(string(page), marker); n != 1 {
				t.Errorf("%s: the %s post is in the channel %d times, want 1", key, what, n)
			}
		}
	}
	t.Logf("%d groups from %d senders, killed %d times", groups, senders, kills)
}
