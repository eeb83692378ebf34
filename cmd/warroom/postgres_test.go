package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// TestReplicasOnPostgres: two warroom replicas on one PostgreSQL database.
// The same alert group sent to both at the same moment makes one incident
// that both list; its channel opens once; a close through one replica is
// archived (the jobs run on whichever replica claims them), every job
// done exactly once, and the timeline holds each step once.
func TestReplicasOnPostgres(t *testing.T) {
	cfg := testConfig(t)
	cfg.Store = StoreConfig{Driver: driverPostgres, DSN: pgtest.Database(t)}
	a, b := startHarness(t, cfg), startHarness(t, cfg)
	firing := readTestdata(t, "alertmanager-0.31.1-firing.json")

	var wg sync.WaitGroup
	created := make([]bool, 2)
	for i, h := range []*harness{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, raw := h.do("POST", "/hooks/alertmanager", firing, map[string]string{"Authorization": "Bearer " + testAMToken})
			if code != 200 {
				t.Errorf("replica %d: %d %s", i, code, raw)
				return
			}
			var out struct {
				Incident string `json:"incident"`
				Created  bool   `json:"created"`
			}
			if err := json.Unmarshal(raw, &out); err != nil || out.Incident != "INC-1" {
				t.Errorf("replica %d: %s (%v), want INC-1", i, raw, err)
			}
			created[i] = out.Created
		}()
	}
	wg.Wait()
	if created[0] == created[1] {
		t.Errorf("created = %v: exactly one replica must open the incident", created)
	}
	for i, h := range []*harness{a, b} {
		if incs := h.incidents(""); len(incs) != 1 || incs[0].Key != "INC-1" {
			t.Fatalf("replica %d lists %+v, want INC-1 alone", i, incs)
		}
	}
	b.channelID("INC-1")
	if code, _ := b.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice", "reason": "test"}); code != 200 {
		t.Fatalf("close through replica b: %d", code)
	}
	a.waitStatus("INC-1", "archived")
	a.waitJobsDone("INC-1")
	seen := map[string]int{}
	for _, j := range a.jobs("INC-1") {
		if j.State != "done" {
			t.Errorf("job %s is %s (%s), want done", j.Key, j.State, j.LastError)
		}
		seen[j.Key]++
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("job %s is there %d times", key, n)
		}
	}
	for _, kind := range []string{"channel_opened", "archive_verified"} {
		if n := countKind(a.events("INC-1"), kind); n != 1 {
			t.Errorf("%d %s events, want 1", n, kind)
		}
	}
}

// TestLoadOverReplicasOnPostgres is the storm over three replicas on one
// PostgreSQL at CI size: warroom load spreads the notifications
// round-robin, so every group's repeats reach different replicas at once.
// Every group makes one incident, with its channel and one welcome post.
// (The full size, 10,000 notifications over 1,000 groups, is a load run:
// docs/benchmarks.md.)
func TestLoadOverReplicasOnPostgres(t *testing.T) {
	cfg := testConfig(t)
	cfg.Store = StoreConfig{Driver: driverPostgres, DSN: pgtest.Database(t)}
	hs := []*harness{startHarness(t, cfg), startHarness(t, cfg), startHarness(t, cfg)}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"load", "-url", hs[0].URL + "," + hs[1].URL + "," + hs[2].URL,
		"-n", "300", "-groups", "30", "-c", "15", "-run", "ci-replicas", "-wait", "2m"},
		[]string{"WARROOM_SOURCES_ALERTMANAGER_TOKEN=" + testAMToken, "WARROOM_API_TOKEN=" + testAPIToken}, &out, &errOut)
	t.Logf("warroom load:\n%s%s", out.String(), errOut.String())
	if code != 0 {
		t.Fatalf("warroom load exited %d", code)
	}
	for _, want := range []string{`warroom: 300 accepted, 0 errors`, `incidents: 30 of run ci-replicas in the API, want 30`,
		`channels: every incident has its channel and welcome post`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	hs[2].login("alice")
	incs := hs[1].incidents("?q=ci-replicas&limit=100")
	if len(incs) != 30 {
		t.Fatalf("replica 2 lists %d incidents of the run, want 30", len(incs))
	}
	for _, inc := range incs {
		_, page := hs[2].do("GET", "/channels/"+inc.Channel.ID+"/log", nil, nil)
		if n := strings.Count(string(page), "This channel is for the response."); n != 1 {
			t.Errorf("%s: the welcome post is in its channel %d times, want 1", inc.Key, n)
		}
	}
}

// TestSearchIndexedInTheBackgroundOnPostgres: on PostgreSQL the search
// index is written after the commit. Without any search, the replica's
// job runner writes what an alert queued (warroom_search_queued falls to
// 0), and a search on the other replica finds the alert's incident by its
// alert's name and by its labels.
func TestSearchIndexedInTheBackgroundOnPostgres(t *testing.T) {
	cfg := testConfig(t)
	cfg.Store = StoreConfig{Driver: driverPostgres, DSN: pgtest.Database(t)}
	a, b := startHarness(t, cfg), startHarness(t, cfg)
	if code, out := a.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		t.Fatalf("alert: %d %v", code, out)
	}
	a.waitJobsDone("INC-1")
	gauge := func(h *harness) string {
		_, body := h.do("GET", "/metrics", nil, nil)
		for _, line := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(line, "warroom_search_queued ") {
				return strings.TrimPrefix(line, "warroom_search_queued ")
			}
		}
		return "missing"
	}
	a.waitFor("the queued search places written with no search made", func() bool { return gauge(a) == "0" })
	if g := gauge(b); g != "0" {
		t.Fatalf("replica b reports warroom_search_queued %s, want 0 (one queue for all replicas)", g)
	}
	inc := a.getIncident("INC-1")
	for _, q := range []string{inc.Labels["alertname"], "alertname"} {
		code, raw := b.do("GET", "/api/v1/search?q="+url.QueryEscape(q), nil, bearerAPI)
		if code != 200 || !strings.Contains(string(raw), `"INC-1"`) {
			t.Fatalf("search %q on replica b: %d %s; want INC-1", q, code, raw)
		}
	}
}
