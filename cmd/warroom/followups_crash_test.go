package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// TestKillBetweenFollowupIssueAndRecordMakesOneIssue kills warroom
// (SIGKILL) after Jira made a follow-up's issue and before warroom
// recorded it (its link to the incident's issue hangs), restarts it on the
// same database, and checks that the retried job adopts that issue and
// links it: one issue, one link. Once with the follow-ups in the
// incident's project, once in a second project (whose issue the label
// search must look for there).
func TestKillBetweenFollowupIssueAndRecordMakesOneIssue(t *testing.T) {
	bin := buildBinary(t)
	second := []jiratest.Project{{Key: "SRE", ID: "10200", IssueTypes: []string{"Story"}}}
	tests := []struct {
		name        string
		projects    []jiratest.Project
		env         []string
		project, it string // where the follow-up's issue must be
	}{
		{"same project", nil, nil, "OPS", "Task"},
		{"another project", second, []string{"WARROOM_TICKETS_JIRA_FOLLOWUPS_PROJECT=SRE", "WARROOM_TICKETS_JIRA_FOLLOWUPS_ISSUE_TYPE=Story"}, "SRE", "Story"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			killBetweenFollowupIssueAndRecord(t, bin, jiratest.Options{Projects: tt.projects}, tt.env, tt.project, tt.it)
		})
	}
}

func killBetweenFollowupIssueAndRecord(t *testing.T, bin string, opts jiratest.Options, extra []string, project, issueType string) {
	db := t.TempDir() + "/warroom.db"
	j := jiratest.New(t, opts)
	env := append([]string{"WARROOM_TICKETS_BACKEND=jira", "WARROOM_TICKETS_JIRA_URL=" + j.URL(), "WARROOM_TICKETS_JIRA_USER=incident-bot",
		"WARROOM_TICKETS_JIRA_TOKEN=incident-bot-token", "WARROOM_TICKETS_JIRA_PROJECT=OPS", "WARROOM_JOBS_LEASE=2s"}, extra...)
	p := startProcess(t, bin, db, env...)
	var inc apiIncident
	if code := p.h.apiInto("POST", "/incidents", map[string]string{"title": "db stuck", "severity": "high"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	issue := jiraIssueOf(p.h, inc.Key)
	if code := p.h.apiInto("POST", "/incidents/"+inc.Key+"/followups", map[string]string{"text": "alert on replication lag"}, nil); code != 201 {
		t.Fatalf("follow-up: %d", code)
	}
	j.Inject(jiratest.Fault{Method: "POST", Path: "/issueLink", Delay: time.Minute, Status: http.StatusGatewayTimeout})
	p.h.api("POST", "/incidents/"+inc.Key+"/close", map[string]string{"reason": "fixed"})
	p.h.waitFor("the follow-up's issue in Jira", func() bool { return len(followupIssuesIn(j)) == 1 })
	p.kill()
	if f := followupIssuesIn(j)[0]; len(f.IssueLinks) != 0 {
		t.Fatalf("the link was made before the kill: %+v", f.IssueLinks)
	}
	j.ClearFaults()

	p = startProcess(t, bin, db, env...)
	list := p.h.waitFollowupTickets(inc.Key, 1)
	issues := followupIssuesIn(j)
	if len(issues) != 1 || list[0].Ticket.Key != issues[0].Key {
		t.Fatalf("follow-up issues %+v, recorded %+v: want the one made before the kill", issues, list)
	}
	if is := issues[0]; is.Project != project || is.IssueType != issueType {
		t.Errorf("follow-up issue %s in %s of type %q, want %s, %s", is.Key, is.Project, is.IssueType, project, issueType)
	}
	if l := j.Issue(issues[0].Key).IssueLinks; len(l) != 1 || l[0].Issue != issue {
		t.Errorf("links %+v, want one to %s", l, issue)
	}
	creates := 0
	for _, r := range j.Requests() {
		if r.Method == "POST" && r.Path == "/rest/api/2/issue" {
			creates++
		}
	}
	if creates != 2 { // the incident's issue and the follow-up's
		t.Errorf("%d creates in Jira, want 2", creates)
	}
}
