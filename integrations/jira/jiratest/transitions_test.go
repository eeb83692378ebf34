package jiratest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// names lists transitions as "id:name→to".
func names(trs []jira.Transition) string {
	var out []string
	for _, tr := range trs {
		out = append(out, tr.ID+":"+tr.Name+"→"+tr.To.Name)
	}
	return strings.Join(out, " ")
}

func TestTransitionsFollowTheWorkflow(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")

	steps := []struct {
		available string // before the step
		do        string // transition id
		status    int
		after     string // status name
		category  string
		resolved  string
	}{
		{"11:Start Progress→In Progress 21:Done→Done", "11", 204, "In Progress", "indeterminate", ""},
		{"31:Done→Done 41:Stop Progress→To Do", "21", 400, "In Progress", "indeterminate", ""}, // To Do's Done id
		{"31:Done→Done 41:Stop Progress→To Do", "31", 204, "Done", "done", "Done"},
		{"51:Reopen→To Do", "31", 400, "Done", "done", "Done"},
		{"51:Reopen→To Do", "51", 204, "To Do", "new", ""},
		{"11:Start Progress→In Progress 21:Done→Done", "21", 204, "Done", "done", "Done"},
	}
	for i, st := range steps {
		trs, _, err := c.Issue.GetTransitions(key)
		must(t, err)
		if got := names(trs); got != st.available {
			t.Fatalf("step %d: available %q, want %q", i, got, st.available)
		}
		resp, err := c.Issue.DoTransition(key, st.do)
		if resp.StatusCode != st.status {
			t.Fatalf("step %d: transition %s: status %d (%v), want %d", i, st.do, resp.StatusCode, err, st.status)
		}
		if st.status == http.StatusBadRequest {
			if je := jiraError(t, err); len(je.ErrorMessages) == 0 {
				t.Errorf("step %d: 400 without errorMessages", i)
			}
		}
		is, _, err := c.Issue.Get(key, nil)
		must(t, err)
		res := ""
		if is.Fields.Resolution != nil {
			res = is.Fields.Resolution.Name
		}
		if is.Fields.Status.Name != st.after || is.Fields.Status.StatusCategory.Key != st.category || res != st.resolved {
			t.Errorf("step %d: %s/%s resolution %q, want %s/%s %q", i,
				is.Fields.Status.Name, is.Fields.Status.StatusCategory.Key, res, st.after, st.category, st.resolved)
		}
	}
}

func TestTransitionWithoutDoneTransition(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{Transitions: []jiratest.Transition{
		{ID: "11", Name: "Start Progress", From: []string{"To Do"}, To: "In Progress"},
		{ID: "61", Name: "Resolve", From: []string{"In Progress"}, To: "Done"},
	}})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	trs, _, err := c.Issue.GetTransitions(key)
	must(t, err)
	if slices.ContainsFunc(trs, func(tr jira.Transition) bool { return tr.Name == "Done" }) {
		t.Errorf("transitions %s include Done", names(trs))
	}
}

func TestTransitionScreenFields(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{Transitions: []jiratest.Transition{
		{ID: "31", Name: "Resolve", To: "Done", Fields: map[string]bool{"resolution": true}},
		{ID: "21", Name: "Close", To: "Done"},
	}})
	c := newClient(t, srv)
	tests := []struct {
		name       string
		payload    any
		status     int
		errorField string
		resolution string
	}{
		{"required resolution missing", map[string]any{"transition": map[string]string{"id": "31"}}, 400, "resolution", ""},
		{"unknown resolution", map[string]any{"transition": map[string]string{"id": "31"},
			"fields": map[string]any{"resolution": map[string]string{"name": "Fixed"}}}, 400, "resolution", ""},
		{"resolution on screen", jira.CreateTransitionPayload{Transition: jira.TransitionPayload{ID: "31"},
			Fields: jira.TransitionPayloadFields{Resolution: &jira.Resolution{Name: "Won't Do"}}}, 204, "", "Won't Do"},
		{"resolution not on screen", jira.CreateTransitionPayload{Transition: jira.TransitionPayload{ID: "21"},
			Fields: jira.TransitionPayloadFields{Resolution: &jira.Resolution{Name: "Done"}}}, 400, "resolution", ""},
		{"no screen: post function resolves", jira.CreateTransitionPayload{Transition: jira.TransitionPayload{ID: "21"},
			Update: jira.TransitionPayloadUpdate{Comment: []jira.TransitionPayloadComment{{Add: jira.TransitionPayloadCommentBody{Body: "closed from chat"}}}}},
			204, "", "Done"},
		{"no transition id", map[string]any{"transition": map[string]string{}}, 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := createIssue(t, c, "s")
			resp, err := c.Issue.DoTransitionWithPayload(key, tt.payload)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%v), want %d", resp.StatusCode, err, tt.status)
			}
			if tt.errorField != "" {
				if je := jiraError(t, err); je.Errors[tt.errorField] == "" {
					t.Errorf("errors = %v, want an entry for %s", je.Errors, tt.errorField)
				}
			}
			if v := srv.Issue(key); v.Resolution != tt.resolution {
				t.Errorf("resolution %q, want %q", v.Resolution, tt.resolution)
			}
		})
	}
	// The comment sent with the transition landed on the issue.
	if v := srv.Issue("OPS-5"); len(v.Comments) != 1 || v.Comments[0].Body != "closed from chat" {
		t.Errorf("comments = %+v", v.Comments)
	}
	// expand=transitions.fields shows the screen, as go-jira asks for it.
	trs, _, err := c.Issue.GetTransitions("OPS-6")
	must(t, err)
	for _, tr := range trs {
		if want := tr.ID == "31"; tr.Fields["resolution"].Required != want {
			t.Errorf("transition %s: resolution required = %v", tr.ID, !want)
		}
	}
}
