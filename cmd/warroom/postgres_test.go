package main

import (
	"encoding/json"
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
