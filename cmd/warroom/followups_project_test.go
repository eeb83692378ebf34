package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// TestJiraFollowupsInAnotherProject: with tickets.jira.followups.project
// set to a second project (and an issue type only that project has), each
// follow-up's issue is made there, once, linked to the incident's issue in
// the first project, though a late one's create answer is lost (the label search
// that adopts it looks in the second project); Jira's webhook for an issue
// of the second project moves the follow-up's state.
func TestJiraFollowupsInAnotherProject(t *testing.T) {
	opts := jiratest.Options{Projects: []jiratest.Project{{Key: "SRE", ID: "10200", Name: "Site Reliability", IssueTypes: []string{"Story", "Task"}}}}
	h, j := jiraHarness(t, opts, func(c *Config) {
		c.Tickets.Jira.Followups = jira.Followups{Project: "SRE", IssueType: "Story"}
	})
	hook := h.URL + "/hooks/jira"
	h.api("POST", "/incidents", map[string]string{"title": "checkout slow", "severity": "high"})
	issue := jiraIssueOf(h, "INC-1")
	if p := j.Issue(issue).Project; p != "OPS" || !strings.HasPrefix(issue, "OPS-") {
		t.Fatalf("incident's issue %s in project %s, want OPS", issue, p)
	}
	for _, text := range []string{"add an alert on disk usage", "rotate the db keys"} {
		if code := h.apiInto("POST", "/incidents/INC-1/followups", map[string]string{"actor": "alice", "text": text}, nil); code != 201 {
			t.Fatalf("follow-up %q: %d", text, code)
		}
	}
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice", "reason": "fixed"})
	h.waitStatus("INC-1", "archived")
	h.waitFollowupTickets("INC-1", 2)
	// After the close (only creates left to fail): a follow-up whose
	// create is made in Jira but whose answer is lost.
	j.Inject(jiratest.Fault{Method: "POST", Path: "/rest/api/2/issue$", Status: http.StatusBadGateway, Body: "proxy", Committed: true})
	if code := h.apiInto("POST", "/incidents/INC-1/followups", map[string]string{"actor": "alice", "text": "write the postmortem"}, nil); code != 201 {
		t.Fatalf("late follow-up: %d", code)
	}
	list := h.waitFollowupTickets("INC-1", 3)
	issues := followupIssuesIn(j)
	if len(issues) != 3 {
		t.Fatalf("%d follow-up issues, want 3 (one each): %+v", len(issues), issues)
	}
	lost := 0
	for _, r := range j.Requests() {
		if r.Method == "POST" && r.Path == "/rest/api/2/issue" && r.Fault {
			lost++
		}
	}
	if lost != 1 {
		t.Fatalf("%d creates answered by the fault, want 1", lost)
	}
	for _, f := range list {
		is := j.Issue(f.Ticket.Key)
		if is.Project != "SRE" || !strings.HasPrefix(is.Key, "SRE-") || is.IssueType != "Story" || is.Summary != f.Text {
			t.Errorf("follow-up %+v: issue %s in %s of type %q, want SRE, Story", f, is.Key, is.Project, is.IssueType)
		}
		if len(is.IssueLinks) != 1 || is.IssueLinks[0].Type != "Relates" || is.IssueLinks[0].Issue != issue {
			t.Errorf("%s's links %+v, want one Relates to %s", is.Key, is.IssueLinks, issue)
		}
	}
	if l := j.Issue(issue).IssueLinks; len(l) != 3 {
		t.Errorf("the incident's issue has links %+v, want the three follow-ups'", l)
	}
	// The adoption searched the follow-up project, and found the issue there.
	searched := false
	for _, r := range j.Requests() {
		q, _ := url.ParseQuery(r.Query)
		if r.Path == "/rest/api/2/search" && strings.Contains(q.Get("jql"), "followup") {
			if !strings.HasPrefix(q.Get("jql"), "project = SRE ") || r.Status != 200 {
				t.Errorf("follow-up search %q answered %d, want in project SRE", q.Get("jql"), r.Status)
			}
			searched = true
		}
	}
	if !searched {
		t.Error("no label search for a follow-up's issue")
	}

	fkey := list[0].Ticket.Key
	if resp := jiratest.Deliver(t, hook, j.TransitionAsUser("carol", fkey, "Done"), testJiraSecret); resp.StatusCode != 200 {
		t.Fatalf("done delivery: %d", resp.StatusCode)
	}
	if f := h.followups("INC-1")[0]; f.State != "done" || f.ChangedBy != "carol" {
		t.Errorf("after Jira's done of %s: %+v", fkey, f)
	}
	jiratest.Deliver(t, hook, j.TransitionAsUser("carol", fkey, "Reopen"), testJiraSecret)
	if f := h.followups("INC-1")[0]; f.State != "open" {
		t.Errorf("after Jira's reopen of %s: %+v", fkey, f)
	}
	if f := h.followups("INC-1")[1]; f.State != "open" {
		t.Errorf("the other follow-up changed: %+v", f)
	}
}
