package jira

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// followupSetup is the fake, the backend and an incident whose issue exists.
func followupSetup(t *testing.T) (*jiratest.Server, *Backend, *incident.Incident) {
	t.Helper()
	j := jiratest.New(t, jiratest.Options{})
	b := newJira(t, j, "Done")
	inc := &incident.Incident{ID: 42, Key: "INC-42", Title: "checkout slow", Severity: incident.SeverityHigh}
	ref, err := b.OpenTicket(context.Background(), inc)
	if err != nil {
		t.Fatal(err)
	}
	inc.Ticket = ref
	return j, b, inc
}

var followupT0 = time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)

// followupIssues are the fake's issues labelled as follow-ups.
func followupIssues(j *jiratest.Server) []jiratest.IssueView {
	var out []jiratest.IssueView
	for _, is := range j.Issues() {
		if slices.Contains(is.Labels, "warroom-followup") {
			out = append(out, is)
		}
	}
	return out
}

// A follow-up's issue is made once, in the follow-ups' project and issue
// type, linked to the incident's issue: across a transient failure, a
// create whose answer was lost, a crash between create and link, and a
// retry after warroom stopped before recording the issue.
func TestOpenFollowupTicketOnce(t *testing.T) {
	ctx := context.Background()
	f := incident.Followup{ID: 3, Text: "add an alert on disk usage", Actor: "alice", CreatedAt: followupT0}
	tests := []struct {
		name   string
		faults []jiratest.Fault
		fails  int // attempts that fail before one succeeds
	}{
		{"first attempt", nil, 0},
		{"transient failure on create", []jiratest.Fault{{Method: "POST", Path: "/rest/api/2/issue", Status: http.StatusServiceUnavailable, Body: "down"}}, 1},
		{"answer to the create lost", []jiratest.Fault{{Method: "POST", Path: "/rest/api/2/issue", Status: http.StatusBadGateway, Body: "proxy", Committed: true}}, 1},
		{"stopped between create and link", []jiratest.Fault{{Method: "POST", Path: "/issueLink", Status: http.StatusServiceUnavailable, Body: "down"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, b, inc := followupSetup(t)
			for _, fl := range tt.faults {
				j.Inject(fl)
			}
			var ref incident.TicketRef
			var err error
			for i := 0; i <= tt.fails; i++ {
				ref, err = b.OpenFollowupTicket(ctx, inc, f)
				if i < tt.fails {
					if err == nil || incident.ErrorKind(err) != incident.KindTransient {
						t.Fatalf("attempt %d: %v, want a transient error", i+1, err)
					}
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			// warroom stopped before it recorded ref: the job runs again.
			again, err := b.OpenFollowupTicket(ctx, inc, f)
			if err != nil || again != ref {
				t.Fatalf("retry after the issue was made: %+v, %v; want %+v", again, err, ref)
			}
			issues := followupIssues(j)
			if len(issues) != 1 {
				t.Fatalf("%d follow-up issues, want 1: %+v", len(issues), issues)
			}
			is := issues[0]
			if is.Key != ref.Key || ref.Backend != Name || !strings.HasSuffix(ref.URL, "/browse/"+ref.Key) {
				t.Errorf("ref %+v for issue %s", ref, is.Key)
			}
			if is.IssueType != "Task" || is.Summary != f.Text || !strings.Contains(is.Description, "INC-42") || !slices.Contains(is.Labels, "warroom-inc-42-followup-3") {
				t.Errorf("issue %+v", is)
			}
			want := []jiratest.IssueLinkView{{Type: "Relates", Direction: "outward", Issue: inc.Ticket.Key}}
			if len(is.IssueLinks) != 1 || is.IssueLinks[0].Type != want[0].Type || is.IssueLinks[0].Issue != want[0].Issue {
				t.Errorf("links of %s = %+v, want one %+v", is.Key, is.IssueLinks, want[0])
			}
			if l := j.Issue(inc.Ticket.Key).IssueLinks; len(l) != 1 || l[0].Issue != is.Key {
				t.Errorf("links of the incident's issue = %+v, want one to %s", l, is.Key)
			}
			// The incident's own issue is still found as its ticket, not the follow-up's.
			if ref, err := b.OpenTicket(ctx, inc); err != nil || ref.Key != inc.Ticket.Key {
				t.Errorf("OpenTicket after follow-ups = %+v, %v; want %s", ref, err, inc.Ticket.Key)
			}
		})
	}
}

// Each follow-up has its own issue; an incident without a Jira issue gets
// unlinked ones; an unknown link type is a permanent error that names the
// key to set.
func TestOpenFollowupTicketCases(t *testing.T) {
	ctx := context.Background()
	j, b, inc := followupSetup(t)
	a, err := b.OpenFollowupTicket(ctx, inc, incident.Followup{ID: 1, Text: "one"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.OpenFollowupTicket(ctx, inc, incident.Followup{ID: 2, Text: "two"})
	if err != nil || c.Key == a.Key {
		t.Fatalf("second follow-up: %+v, %v; want its own issue (not %s)", c, err, a.Key)
	}
	bare := &incident.Incident{ID: 7, Key: "INC-7", Title: "no ticket"}
	d, err := b.OpenFollowupTicket(ctx, bare, incident.Followup{ID: 9, Text: "unlinked"})
	if err != nil || len(j.Issue(d.Key).IssueLinks) != 0 {
		t.Fatalf("follow-up of an incident without an issue: %+v, %v, links %+v", d, err, j.Issue(d.Key).IssueLinks)
	}
	// A follow-up project Jira does not have: permanent, naming the key.
	b.cfg.Followups.Project = "NOPE"
	_, err = b.OpenFollowupTicket(ctx, inc, incident.Followup{ID: 5, Text: "nowhere"})
	if incident.ErrorKind(err) != incident.KindPermanent || !strings.Contains(err.Error(), "The value 'NOPE' does not exist for the field 'project'.") ||
		!strings.Contains(err.Error(), "set tickets.jira.followups.project to the key of a project") {
		t.Errorf("unknown follow-up project: %v, want a permanent error quoting Jira and naming tickets.jira.followups.project", err)
	}
	b.cfg.Followups.Project = "OPS"
	b.cfg.Followups.LinkType = "Causes"
	_, err = b.OpenFollowupTicket(ctx, inc, incident.Followup{ID: 4, Text: "bad link"})
	if incident.ErrorKind(err) != incident.KindPermanent || !strings.Contains(err.Error(), "set tickets.jira.followups.link_type") {
		t.Errorf("unknown link type: %v, want a permanent error naming tickets.jira.followups.link_type", err)
	}
	if !b.TracksFollowups() {
		t.Error("Jira must say it tracks follow-ups' state")
	}
}
