package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestKillDuringAnActionRunsItOnce kills warroom (SIGKILL) while an action
// runs, restarts it on the same database, and checks that the action is
// not run again and that the timeline and the channel say its outcome is
// unknown.
func TestKillDuringAnActionRunsItOnce(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	db, marker := filepath.Join(dir, "warroom.db"), filepath.Join(dir, "runs.txt")
	script := filepath.Join(dir, "block.sh")
	// Each run writes its pid, then blocks until the test ends it.
	if err := os.WriteFile(script, []byte(fmt.Sprintf("#!/bin/sh\necho $$ >> %s\nexec sleep 600\n", marker)), 0o755); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "warroom.yaml")
	yaml := fmt.Sprintf("actions:\n  - name: block\n    description: blocks until it is killed\n    users: [alice]\n    timeout: 10m\n    command:\n      path: %s\n", script)
	if err := os.WriteFile(config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := func() []int {
		raw, _ := os.ReadFile(marker)
		var pids []int
		for _, f := range strings.Fields(string(raw)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
		return pids
	}
	t.Cleanup(func() {
		for _, pid := range runs() { // the orphaned action outlives warroom
			syscall.Kill(-pid, syscall.SIGKILL)
		}
	})
	args := []string{"serve", "-config", config}
	p := startProcessArgs(t, bin, args, db)
	var inc apiIncident
	if code := p.h.apiInto("POST", "/incidents", map[string]any{"title": "db stuck", "severity": "high"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	code, raw := p.h.do("POST", "/api/v1/incidents/"+inc.Key+"/commands", map[string]string{"actor": "alice", "text": "run block"}, bearerAPI)
	if code != 200 {
		t.Fatalf("run block: %d %s", code, raw)
	}
	p.h.waitFor("the action to start", func() bool { return len(runs()) == 1 })
	p.kill()

	p = startProcessArgs(t, bin, args, db)
	p.h.waitFor("the outcome unknown on the timeline", func() bool { return countEvents(p.h.timeline(inc.Key), "action_unknown") == 1 })
	p.h.waitJobsDone(inc.Key)
	if n := len(runs()); n != 1 {
		t.Errorf("the action ran %d times, want once", n)
	}
	evs := p.h.timeline(inc.Key)
	for _, ev := range evs {
		if ev.Kind == "action_unknown" && !strings.Contains(ev.Text, "outcome unknown: warroom stopped while it ran") {
			t.Errorf("the timeline says %q", ev.Text)
		}
	}
	if n := countEvents(evs, "action_finished"); n != 0 {
		t.Errorf("%d action_finished events, want none", n)
	}
	p.h.login("alice")
	_, page := p.h.do("GET", "/channels/"+p.h.channelID(inc.Key), nil, nil)
	if !strings.Contains(string(page), "outcome unknown") {
		t.Error("the channel does not say the outcome is unknown")
	}
}
