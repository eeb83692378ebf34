package jiratest_test

import (
	"net/http"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// An issue link made through go-jira shows on both issues, from each
// one's side, in GET /issue's issuelinks and in the fake's view; an
// unknown type or issue is 404 with Jira's message; it fires
// issuelink_created.
func TestIssueLinks(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	incidentKey, followupKey := createIssue(t, c, "incident"), createIssue(t, c, "follow-up")
	link := func(typ, in, out string) *jira.IssueLink {
		return &jira.IssueLink{Type: jira.IssueLinkType{Name: typ}, InwardIssue: &jira.Issue{Key: in}, OutwardIssue: &jira.Issue{Key: out}}
	}
	tests := []struct {
		name   string
		link   *jira.IssueLink
		status int
	}{
		{"relates", link("Relates", followupKey, incidentKey), http.StatusCreated},
		{"type names are case-insensitive", link("blocks", followupKey, incidentKey), http.StatusCreated},
		{"unknown type", link("Causes", followupKey, incidentKey), http.StatusNotFound},
		{"unknown issue", link("Relates", followupKey, "OPS-999"), http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Issue.AddLink(tt.link)
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("AddLink: %v, %v; want %d", resp, err, tt.status)
			}
			if tt.status != http.StatusCreated && len(jiraError(t, err).ErrorMessages) == 0 {
				t.Errorf("%d without errorMessages", tt.status)
			}
		})
	}
	got, _, err := c.Issue.Get(followupKey, &jira.GetQueryOptions{Fields: "issuelinks"})
	must(t, err)
	if len(got.Fields.IssueLinks) != 2 {
		t.Fatalf("issuelinks of %s = %+v, want 2", followupKey, got.Fields.IssueLinks)
	}
	l := got.Fields.IssueLinks[0]
	if l.Type.Name != "Relates" || l.Type.Outward != "relates to" || l.OutwardIssue == nil || l.OutwardIssue.Key != incidentKey || l.InwardIssue != nil {
		t.Errorf("first link of %s = %+v, want Relates with outwardIssue %s", followupKey, l, incidentKey)
	}
	other, _, err := c.Issue.Get(incidentKey, &jira.GetQueryOptions{Fields: "issuelinks"})
	must(t, err)
	if ls := other.Fields.IssueLinks; len(ls) != 2 || ls[1].InwardIssue == nil || ls[1].InwardIssue.Key != followupKey || ls[1].Type.Inward != "is blocked by" {
		t.Errorf("links of %s = %+v, want the same two with inwardIssue %s", incidentKey, ls, followupKey)
	}
	want := []jiratest.IssueLinkView{{ID: l.ID, Type: "Relates", Direction: "outward", Issue: incidentKey}}
	if v := srv.Issue(followupKey).IssueLinks; len(v) != 2 || v[0] != want[0] {
		t.Errorf("view links = %+v, want first %+v", v, want[0])
	}
	var created int
	for _, w := range srv.Events() {
		if w.Event == "issuelink_created" {
			created++
		}
	}
	if created != 2 {
		t.Errorf("%d issuelink_created events, want 2", created)
	}
	resp, body := call(t, srv, "GET", "/rest/api/2/issueLinkType", nil, nil)
	if resp.StatusCode != http.StatusOK || !contains(body, `"name":"Relates"`) {
		t.Errorf("issueLinkType: %d %s", resp.StatusCode, body)
	}
}
