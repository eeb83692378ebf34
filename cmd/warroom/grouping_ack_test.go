package main

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// TestAckOfTheParentAcksItsChildren, through the real Alertmanager hook,
// builtin chat, the commands API and the Jira fake: one /incident ack in a
// storm parent's channel acks the parent and every open child (alert
// children and an incident merged with a Jira issue of its own), each
// child's timeline saying it was acked through the parent; a resolved
// child is left as it is; the merged incident's issue gets its ack
// comment once, although Jira lost the answer to the first try.
func TestAckOfTheParentAcksItsChildren(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, func(c *Config) {
		c.Grouping = GroupingConfig{Window: Duration(time.Hour), MaxNew: 0}
	})
	h.login("alice")
	hook := func(n int, status string) string {
		t.Helper()
		code, ans := h.hookInto(groupAlert(t, n, "warning", status, nil))
		if code != 200 && code != 202 {
			t.Fatalf("alert %d %s: %d %+v", n, status, code, ans)
		}
		return ans.Incident
	}
	kids := []string{hook(1, "firing"), hook(2, "firing")}
	parent := h.getIncident(kids[0]).Parent
	var merged apiIncident
	h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is slow", "severity": "warning"}, &merged)
	mergedIssue := jiraIssueOf(h, merged.Key)
	h.must(parent, "bob", "merge "+merged.Key)
	kids = append(kids, merged.Key)
	quiet := hook(3, "firing")
	hook(3, "resolved")
	if got := h.getIncident(quiet).Status; got != "resolved" {
		t.Fatalf("%s is %s after its alert resolved", quiet, got)
	}
	parentIssue := jiraIssueOf(h, parent)
	h.waitJobsDone(merged.Key)

	// Jira makes the next comment and loses its answer: the job retries.
	j.Inject(jiratest.Fault{Method: "POST", Path: "/comment", Status: 504, Body: "gateway timeout", Committed: true})
	h.say("/channels/"+h.channelID(parent), "/incident ack")

	if got := h.getIncident(parent); got.Status != "acked" || got.AckedBy != "alice" {
		t.Fatalf("the parent is %s by %q after alice's ack", got.Status, got.AckedBy)
	}
	for _, k := range kids {
		inc := h.getIncident(k)
		if inc.Status != "acked" || inc.AckedBy != "alice" {
			t.Errorf("child %s is %s by %q, want acked by alice through %s", k, inc.Status, inc.AckedBy, parent)
		}
		through := 0
		for _, e := range h.timeline(k) {
			if e.Kind == "status_changed" && e.Actor == "alice" && strings.Contains(e.Text, "open → acked: through "+parent) {
				through++
			}
		}
		if through != 1 {
			t.Errorf("%s's timeline says %d times that alice acked it through %s, want once", k, through, parent)
		}
	}
	if got := h.getIncident(quiet).Status; got != "resolved" {
		t.Errorf("the resolved child %s is %s after the parent's ack, want it left resolved", quiet, got)
	}

	h.waitFor("the merged incident's issue commented", func() bool {
		return commentsWith(j.Issue(mergedIssue), "open → acked: through "+parent) > 0
	})
	h.waitFor("the parent's issue commented", func() bool { return commentsWith(j.Issue(parentIssue), "open → acked") > 0 })
	h.waitJobsDone(merged.Key)
	h.waitJobsDone(parent)
	if c := commentsWith(j.Issue(mergedIssue), "acked"); c != 1 {
		t.Errorf("%s's issue has %d ack comments, want one", merged.Key, c)
	}
	if c := commentsWith(j.Issue(parentIssue), "acked"); c != 1 {
		t.Errorf("%s's issue has %d ack comments, want one", parent, c)
	}
	faulted := 0
	for _, r := range j.Requests() {
		if r.Fault && r.Method == "POST" && strings.HasSuffix(r.Path, "/comment") {
			faulted++
		}
	}
	if faulted != 1 {
		t.Errorf("%d comments answered by the lost-answer fault, want the one injected", faulted)
	}
	for _, k := range append(kids, parent) {
		if c := countEvents(h.timeline(k), "error"); c != 0 {
			t.Errorf("%s has %d failed side effects on its timeline", k, c)
		}
	}
}
