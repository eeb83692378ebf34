package jiratest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func TestCreateAndGet(t *testing.T) {
	clock := time.Date(2024, 5, 2, 10, 11, 12, 345e6, time.UTC)
	srv := jiratest.New(t, jiratest.Options{Now: func() time.Time { return clock }})
	c := newClient(t, srv)

	created, resp, err := c.Issue.Create(&jira.Issue{Fields: &jira.IssueFields{
		Project:     jira.Project{Key: "OPS"},
		Type:        jira.IssueType{Name: "Incident"},
		Summary:     "SEV2: checkout latency > 2s",
		Description: "Opened from ~inc-42",
		Priority:    &jira.Priority{Name: "High"},
		Labels:      []string{"incident", "sev2"},
		Unknowns:    map[string]any{"customfield_10010": "inc-42"},
	}})
	must(t, err)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, want 201", resp.StatusCode)
	}
	if created.Key != "OPS-1" || created.ID == "" || created.Self != srv.URL()+"/rest/api/2/issue/"+created.ID {
		t.Fatalf("created = %+v", created)
	}

	for _, ref := range []string{"OPS-1", "ops-1", created.ID} {
		got, _, err := c.Issue.Get(ref, nil)
		must(t, err)
		f := got.Fields
		checks := []struct {
			name      string
			got, want any
		}{
			{"key", got.Key, "OPS-1"},
			{"summary", f.Summary, "SEV2: checkout latency > 2s"},
			{"description", f.Description, "Opened from ~inc-42"},
			{"status", f.Status.Name, "To Do"},
			{"status category", f.Status.StatusCategory.Key, "new"},
			{"issue type", f.Type.Name, "Incident"},
			{"priority", f.Priority.Name, "High"},
			{"project", f.Project.Key, "OPS"},
			{"labels", strings.Join(f.Labels, ","), "incident,sev2"},
			{"reporter", f.Reporter.Name, "incident-bot"},
			{"created", time.Time(f.Created).Equal(clock), true},
			{"custom field", f.Unknowns["customfield_10010"], "inc-42"},
			{"comments", len(f.Comments.Comments), 0},
		}
		for _, ck := range checks {
			if ck.got != ck.want {
				t.Errorf("Get(%s) %s = %v, want %v", ref, ck.name, ck.got, ck.want)
			}
		}
	}

	v := srv.Issue("OPS-1")
	if v.Summary != "SEV2: checkout latency > 2s" || v.Status != "To Do" || v.StatusCategory != jiratest.CategoryNew ||
		!slices.Equal(v.Transitions, []string{"Start Progress", "Done"}) {
		t.Errorf("view = %+v", v)
	}
}

func TestTimestampsUseJiraLayout(t *testing.T) {
	loc := time.FixedZone("CEST", 2*3600)
	clock := time.Date(2024, 5, 2, 10, 11, 12, 0, time.UTC)
	srv := jiratest.New(t, jiratest.Options{Now: func() time.Time { return clock }, Location: loc})
	key := createIssue(t, newClient(t, srv), "x")
	_, body := call(t, srv, "GET", "/rest/api/2/issue/"+key+"?fields=created,updated", nil, nil)
	var got struct {
		Fields map[string]any `json:"fields"`
	}
	must(t, json.Unmarshal(body, &got))
	if len(got.Fields) != 2 || got.Fields["created"] != "2024-05-02T12:11:12.000+0200" {
		t.Errorf("fields = %v, want only created and updated, created 2024-05-02T12:11:12.000+0200", got.Fields)
	}
}

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		name   string
		fields map[string]any
		field  string // key expected in errors
	}{
		{"no summary", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Incident"}}, "summary"},
		{"unknown issue type", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Bug"}, "summary": "s"}, "issuetype"},
		{"unknown project", map[string]any{"project": map[string]string{"key": "NOPE"}, "issuetype": map[string]string{"name": "Task"}, "summary": "s"}, "project"},
		{"no project", map[string]any{"issuetype": map[string]string{"name": "Task"}, "summary": "s"}, "project"},
		{"unknown priority", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"}, "summary": "s", "priority": map[string]string{"name": "Urgent"}}, "priority"},
		{"label with space", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"}, "summary": "s", "labels": []string{"two words"}}, "labels"},
		{"ADF description", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"}, "summary": "s", "description": map[string]any{"type": "doc", "version": 1}}, "description"},
		{"field not on screen", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"}, "summary": "s", "timetracking": map[string]string{}}, "timetracking"},
		{"Cloud accountId assignee", map[string]any{"project": map[string]string{"key": "OPS"}, "issuetype": map[string]string{"name": "Task"}, "summary": "s", "assignee": map[string]string{"accountId": "5b10ac8d"}}, "assignee"},
	}
	srv := jiratest.New(t, jiratest.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]any{"fields": tt.fields})
			resp, body := call(t, srv, "POST", "/rest/api/2/issue", strings.NewReader(string(b)), nil)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", resp.StatusCode, body)
			}
			_, fields := errorBody(t, resp, body)
			if fields[tt.field] == "" {
				t.Errorf("errors = %v, want an entry for %q", fields, tt.field)
			}
		})
	}
	if n := len(srv.Issues()); n != 0 {
		t.Errorf("%d issues created by invalid requests", n)
	}
}

// go-jira's Create does not parse the error body; the caller reads it from
// the response, which must still hold it.
func TestCreateErrorBodyReadableThroughGoJira(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	_, resp, err := newClient(t, srv).Issue.Create(&jira.Issue{Fields: &jira.IssueFields{
		Project: jira.Project{Key: "OPS"}, Type: jira.IssueType{Name: "Incident"},
	}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("err %v, resp %v; want a 400", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	if _, fields := errorBody(t, resp.Response, body); fields["summary"] != "You must specify a summary of the issue." {
		t.Errorf("errors = %v", fields)
	}
}

func TestUnknownIssue(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	tests := []struct {
		name string
		call func() (*jira.Response, error)
	}{
		{"get", func() (*jira.Response, error) { _, r, err := c.Issue.Get("OPS-99", nil); return r, err }},
		{"comment", func() (*jira.Response, error) {
			_, r, err := c.Issue.AddComment("OPS-99", &jira.Comment{Body: "x"})
			return r, err
		}},
		{"attach", func() (*jira.Response, error) {
			_, r, err := c.Issue.PostAttachment("OPS-99", strings.NewReader("x"), "x.txt")
			return r, err
		}},
		{"transitions", func() (*jira.Response, error) { _, r, err := c.Issue.GetTransitions("OPS-99"); return r, err }},
		{"transition", func() (*jira.Response, error) { return c.Issue.DoTransition("OPS-99", "21") }},
		{"remote link", func() (*jira.Response, error) {
			_, r, err := c.Issue.AddRemoteLink("OPS-99", &jira.RemoteLink{Object: &jira.RemoteLinkObject{URL: "u", Title: "t"}})
			return r, err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.call()
			if resp == nil || resp.StatusCode != http.StatusNotFound {
				t.Fatalf("resp %v err %v, want 404", resp, err)
			}
			je := jiraError(t, err)
			if !slices.Equal(je.ErrorMessages, []string{"Issue does not exist or you do not have permission to see it."}) {
				t.Errorf("errorMessages = %q", je.ErrorMessages)
			}
		})
	}
}

func TestEditIssue(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "before", "a", "b")
	resp, err := c.Issue.UpdateIssue(key, map[string]any{
		"fields": map[string]any{"summary": "after", "priority": map[string]string{"name": "Highest"}},
		"update": map[string]any{"labels": []any{map[string]string{"add": "c"}, map[string]string{"remove": "a"}}},
	})
	must(t, err)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("status %d, want 204", resp.StatusCode)
	}
	v := srv.Issue(key)
	if v.Summary != "after" || v.Priority != "Highest" || !slices.Equal(v.Labels, []string{"b", "c"}) {
		t.Errorf("view = %+v", v)
	}
	resp, _ = c.Issue.UpdateIssue(key, map[string]any{"fields": map[string]any{"issuetype": map[string]string{"name": "Task"}}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("changing the issue type: status %d, want 400", resp.StatusCode)
	}
}

func TestGetIssueFieldsAndExpand(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	srv.TransitionAsUser("jsmith", key, "Start Progress")
	_, _, err := c.Issue.AddComment(key, &jira.Comment{Body: "x"})
	must(t, err)

	tests := []struct {
		opts        *jira.GetQueryOptions
		fields      []string // present
		absent      []string
		changelog   int // histories; -1: not expanded
		transitions int // -1: not expanded
	}{
		{nil, []string{"summary", "status", "comment", "attachment"}, nil, -1, -1},
		{&jira.GetQueryOptions{Fields: "summary,status"}, []string{"summary", "status"}, []string{"comment", "labels"}, -1, -1},
		{&jira.GetQueryOptions{Fields: "-comment"}, []string{"summary", "attachment"}, []string{"comment"}, -1, -1},
		{&jira.GetQueryOptions{Fields: "*all,-comment"}, []string{"summary"}, []string{"comment"}, -1, -1},
		{&jira.GetQueryOptions{Expand: "changelog,transitions"}, []string{"summary"}, nil, 1, 2},
	}
	for _, tt := range tests {
		name := "default"
		if tt.opts != nil {
			name = tt.opts.Fields + tt.opts.Expand
		}
		t.Run(name, func(t *testing.T) {
			path := "/rest/api/2/issue/" + key
			if tt.opts != nil {
				path += "?fields=" + tt.opts.Fields + "&expand=" + tt.opts.Expand
			}
			_, body := call(t, srv, "GET", path, nil, nil)
			var got struct {
				Fields      map[string]json.RawMessage
				Changelog   *struct{ Histories []any }
				Transitions []any
			}
			must(t, json.Unmarshal(body, &got))
			for _, f := range tt.fields {
				if _, ok := got.Fields[f]; !ok {
					t.Errorf("field %s missing", f)
				}
			}
			for _, f := range tt.absent {
				if _, ok := got.Fields[f]; ok {
					t.Errorf("field %s present", f)
				}
			}
			histories, transitions := -1, -1
			if got.Changelog != nil {
				histories = len(got.Changelog.Histories)
			}
			if got.Transitions != nil {
				transitions = len(got.Transitions)
			}
			if histories != tt.changelog || transitions != tt.transitions {
				t.Errorf("changelog histories %d, transitions %d; want %d, %d", histories, transitions, tt.changelog, tt.transitions)
			}
			// go-jira decodes the same answer.
			if _, _, err := c.Issue.Get(key, tt.opts); err != nil {
				t.Errorf("go-jira: %v", err)
			}
		})
	}
}
