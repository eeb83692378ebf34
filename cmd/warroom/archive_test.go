package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// TestJiraSummaryTruthAfterFailureAndRestart: the transcripts are over
// Jira's attachment limit and stay in warroom; the copied file cannot be
// attached while Jira answers 503, so the store job keeps being retried
// (a transient failure parks nothing); warroom restarts meanwhile, Jira
// comes back, and the job completes by itself. The summary comment must
// still say that the transcripts are kept in warroom and only the file is
// attached: where each document went is on disk, not in the memory of the
// process that died.
func TestJiraSummaryTruthAfterFailureAndRestart(t *testing.T) {
	const limit = 600
	h, j := jiraHarness(t, jiratest.Options{MaxAttachmentBytes: limit}, func(c *Config) {
		c.Tickets.Jira.MaxAttachmentBytes = limit
	})
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	issue := jiraIssueOf(h, "INC-1")
	room := h.channelID("INC-1") // the channel job may not have run yet
	h.login("alice")
	if code := h.upload("/channels/"+room, "the latency export", "latency.csv", []byte("t,p99\n1,2300\n2,300\n")); code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
	j.Inject(jiratest.Fault{Method: "POST", Path: "/attachments", Times: 1 << 20, Status: http.StatusServiceUnavailable, Body: "down for maintenance"})
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"})

	h.waitFor("the store job to be retried", func() bool {
		for _, job := range h.jobs("INC-1") {
			if job.Kind == "archive.store" && job.State == "parked" {
				t.Fatalf("a transient failure parked the store job: %v", job.LastError)
			}
			if job.Kind == "archive.store" && job.Failure == "transient" && job.FailingSince != nil {
				return true
			}
		}
		return false
	})
	if v := j.Issue(issue); len(v.Attachments) != 0 || commentsWith(v, "archived") != 0 {
		t.Fatalf("before the restart: %d attachments, %d summaries", len(v.Attachments), commentsWith(v, "archived"))
	}
	h.stop()
	h.done <- nil // the Cleanup's stop finds it stopped

	j.ClearFaults() // Jira is back
	cfg := h.cfg
	h = startHarness(t, cfg)
	h.waitStatus("INC-1", "archived")
	var v jiratest.IssueView
	h.waitFor("summary comment", func() bool { v = j.Issue(issue); return commentsWith(v, "h3. INC-1 archived") > 0 })
	var summary string
	for _, c := range v.Comments {
		if strings.Contains(c.Body, "h3. INC-1 archived") {
			summary = c.Body
		}
	}
	for _, want := range []string{
		"[INC-1-transcript.md|" + cfg.PublicURL + "/incidents/INC-1/documents/INC-1-transcript.md] (kept in warroom: INC-1-transcript.md is",
		"[INC-1-transcript.json|" + cfg.PublicURL + "/incidents/INC-1/documents/INC-1-transcript.json] (kept in warroom: INC-1-transcript.json is",
		"over the ticket system's attachment limit of 600",
		"-latency.csv] (attached)",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if len(v.Attachments) != 1 || !strings.HasSuffix(v.Attachments[0].Filename, "latency.csv") {
		t.Errorf("attachments %+v, want the file only", v.Attachments)
	}
}
