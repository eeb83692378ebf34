package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// TestJiraSummaryTruthAfterFailureAndRestart: the transcripts are over
// Jira's attachment limit and stay in warroom; the copied file fails to
// attach (a 403, which parks at once: a 503 is retried for jobs.max_age
// since issue 12) and the job parks; warroom restarts and the job is retried.
// The summary comment must still say that the transcripts are kept in
// warroom and only the file is attached: where each document went is on
// disk, not in the memory of the process that died.
func TestJiraSummaryTruthAfterFailureAndRestart(t *testing.T) {
	const limit = 600
	h, j := jiraHarness(t, jiratest.Options{MaxAttachmentBytes: limit}, func(c *Config) {
		c.Tickets.Jira.MaxAttachmentBytes = limit
	})
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	issue := jiraIssueOf(h, "INC-1")
	room := h.incident("INC-1")["channel"].(map[string]any)["id"].(string)
	h.login("alice")
	if code := h.upload("/channels/"+room, "the latency export", "latency.csv", []byte("t,p99\n1,2300\n2,300\n")); code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
	j.Inject(jiratest.Fault{Method: "POST", Path: "/attachments", Status: http.StatusForbidden, Body: "attachments are off for this project"})
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"})

	var parked float64
	h.waitFor("the store job to park", func() bool {
		_, out := h.api("GET", "/incidents/INC-1/jobs", nil)
		for _, v := range out["jobs"].([]any) {
			if job := v.(map[string]any); job["kind"] == "archive.store" && job["state"] == "parked" {
				parked = job["id"].(float64)
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

	cfg := h.cfg
	h = startHarness(t, cfg)
	if code, out := h.api("POST", fmt.Sprintf("/jobs/%d/retry", int64(parked)), nil); code != http.StatusOK {
		t.Fatalf("retry: %d %v", code, out)
	}
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
