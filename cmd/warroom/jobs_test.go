package main

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// TestOutageIsVisibleAndParksNothing: while Jira is down the ticket job is
// retried, not parked, and the jobs API and /metrics say which backend is
// failing and how; when Jira is back the job completes.
func TestOutageIsVisibleAndParksNothing(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	j.SetDown(true)
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code >= 300 {
		t.Fatalf("hook: %d %v", code, out)
	}
	var stats apiJobStats
	h.waitFor("the ticket job failing on the jobs API", func() bool {
		stats = apiJobStats{}
		h.apiInto("GET", "/jobs/stats", nil, &stats)
		_, failing := stats.FailingByBackend["tickets"]
		return failing
	})
	if _, parked := stats.ByState["parked"]; parked {
		t.Errorf("jobs parked during an outage: %+v", stats)
	}
	for _, job := range h.jobs("INC-1") {
		if job.Kind == "ticket.open" && (job.Failure != "transient" || job.FailingSince == nil || job.Backend != "tickets") {
			t.Errorf("ticket job during the outage: %+v", job)
		}
	}
	_, metrics := h.do("GET", "/metrics", nil, nil)
	for _, want := range []string{`warroom_jobs_failing{backend="tickets",failure="transient",kind="ticket.open"} 1`,
		`warroom_jobs{state="parked"} 0`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	j.SetDown(false)
	h.waitFor("the ticket opened after the outage", func() bool { return len(j.Issues()) == 1 })
	h.waitJobsDone("INC-1")
}
