package jiratest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"
	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// twoProjects is a fake with OPS (the default) and SRE, whose scheme has
// the issue types Story and Task.
func twoProjects(t *testing.T) *jiratest.Server {
	t.Helper()
	return jiratest.New(t, jiratest.Options{Projects: []jiratest.Project{
		{Key: "SRE", ID: "10200", Name: "Site Reliability", IssueTypes: []string{"Story", "Task"}},
	}})
}

func createIn(t *testing.T, c *jira.Client, project, issueType, summary string) string {
	t.Helper()
	is, _, err := c.Issue.Create(&jira.Issue{Fields: &jira.IssueFields{
		Project: jira.Project{Key: project}, Type: jira.IssueType{Name: issueType}, Summary: summary,
	}})
	if err != nil {
		t.Fatalf("create in %s: %v", project, err)
	}
	return is.Key
}

// Each project numbers its issue keys from 1, as Jira does; an issue's
// fields.project (API, webhook, snapshot) is its own project.
func TestProjectsNumberKeysAndShowTheirProject(t *testing.T) {
	srv := twoProjects(t)
	c := newClient(t, srv)
	var got []string
	for _, p := range []struct{ project, issueType string }{{"OPS", "Incident"}, {"SRE", "Story"}, {"OPS", "Task"}, {"sre", "Task"}} {
		got = append(got, createIn(t, c, p.project, p.issueType, "s"))
	}
	// By id too.
	is, _, err := c.Issue.Create(&jira.Issue{Fields: &jira.IssueFields{Project: jira.Project{ID: "10200"}, Type: jira.IssueType{Name: "Story"}, Summary: "by id"}})
	must(t, err)
	got = append(got, is.Key)
	if diff := cmp.Diff([]string{"OPS-1", "SRE-1", "OPS-2", "SRE-2", "SRE-3"}, got); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	want := map[string][3]string{"OPS": {"10000", "OPS", "Operations"}, "SRE": {"10200", "SRE", "Site Reliability"}}
	for _, key := range got {
		p := want[strings.Split(key, "-")[0]]
		is, _, err := c.Issue.Get(key, nil)
		must(t, err)
		if f := is.Fields.Project; [3]string{f.ID, f.Key, f.Name} != p {
			t.Errorf("%s: fields.project = %+v, want %v", key, f, p)
		}
		if v := srv.Issue(key); v.Project != p[1] {
			t.Errorf("%s: snapshot project %q, want %s", key, v.Project, p[1])
		}
	}
	w := srv.TransitionAsUser("jsmith", "SRE-1", "Done")
	var body struct {
		Issue struct {
			Fields struct {
				Project struct{ Key, ID string }
			}
		}
	}
	if err := json.Unmarshal(w.Body, &body); err != nil || body.Issue.Fields.Project.Key != "SRE" || body.Issue.Fields.Project.ID != "10200" {
		t.Errorf("webhook of SRE-1: project %+v (%v)", body.Issue.Fields.Project, err)
	}
	key, _ := srv.CreateIssueAsUser("jsmith", jiratest.IssueInput{Project: "SRE", Summary: "by hand"})
	if v := srv.Issue(key); key != "SRE-4" || v.IssueType != "Story" {
		t.Errorf("CreateIssueAsUser in SRE: %s of type %q, want SRE-4, the project's first type Story", key, v.IssueType)
	}
}

// JQL's project clause matches each issue's own project, by key, id or
// name; ORDER BY key sorts by project, then number.
func TestSearchByProject(t *testing.T) {
	srv := twoProjects(t)
	c := newClient(t, srv)
	for i := 0; i < 10; i++ {
		createIn(t, c, "OPS", "Task", "ops")
	}
	createIn(t, c, "SRE", "Task", "sre")
	createIn(t, c, "SRE", "Story", "sre")
	tests := []struct{ jql, want string }{
		{"project = SRE", "SRE-1 SRE-2"},
		{"project = sre", "SRE-1 SRE-2"},
		{"project = 10200", "SRE-1 SRE-2"},
		{`project = "Site Reliability"`, "SRE-1 SRE-2"},
		{"project = SRE AND issuetype = Story", "SRE-2"},
		{"project in (SRE) AND summary ~ sre", "SRE-1 SRE-2"},
		{"project in (OPS, SRE) AND key in (OPS-10, SRE-1)", "OPS-10 SRE-1"},
		{"project != OPS", "SRE-1 SRE-2"},
		{"project not in (OPS)", "SRE-1 SRE-2"},
		{"project = OPS AND key in (OPS-2, OPS-10) ORDER BY key DESC", "OPS-10 OPS-2"},
		{"key in (SRE-2, OPS-10, OPS-9) ORDER BY key", "OPS-9 OPS-10 SRE-2"},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			issues, _, err := c.Issue.Search(tt.jql, nil)
			must(t, err)
			if got := keys(issues); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	resp, body := call(t, srv, "GET", "/rest/api/2/search?jql="+url.QueryEscape("project in (OPS, NOPE)"), nil, nil)
	if msgs, _ := errorBody(t, resp, body); resp.StatusCode != 400 || len(msgs) != 1 || msgs[0] != "The value 'NOPE' does not exist for the field 'project'." {
		t.Errorf("unknown project in JQL: %d %s", resp.StatusCode, body)
	}
}

// A create in a project Jira does not have, by a project's name, or with
// an issue type outside the project's scheme is refused with Jira's error
// body, naming the field.
func TestCreateInProjectRefused(t *testing.T) {
	srv := twoProjects(t)
	tests := []struct {
		name             string
		project, typ     map[string]string
		field, wantError string
	}{
		{"unknown key", map[string]string{"key": "NOPE"}, map[string]string{"name": "Task"}, "project", "project is required"},
		{"unknown id", map[string]string{"id": "10999"}, map[string]string{"name": "Task"}, "project", "project is required"},
		{"by name", map[string]string{"name": "Site Reliability"}, map[string]string{"name": "Task"}, "project", "project is required"},
		{"type of another project", map[string]string{"key": "SRE"}, map[string]string{"name": "Incident"}, "issuetype", "The issue type selected is invalid."},
		{"type of another project by id", map[string]string{"key": "OPS"}, map[string]string{"id": "10102"}, "issuetype", "The issue type selected is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]any{"fields": map[string]any{"project": tt.project, "issuetype": tt.typ, "summary": "s"}})
			resp, body := call(t, srv, "POST", "/rest/api/2/issue", strings.NewReader(string(b)), nil)
			msgs, fields := errorBody(t, resp, body)
			if resp.StatusCode != http.StatusBadRequest || len(msgs) != 0 || fields[tt.field] != tt.wantError {
				t.Errorf("%d %s, want 400 with errors.%s = %q", resp.StatusCode, body, tt.field, tt.wantError)
			}
		})
	}
	if n := len(srv.Issues()); n != 0 {
		t.Errorf("%d issues made by refused creates", n)
	}
}

// GET /project lists every project; GET /project/{key} and createmeta
// give each one's issue types and create fields; unknown ones are 404s
// with Jira's message.
func TestProjectAndCreateMetaEndpoints(t *testing.T) {
	srv := twoProjects(t)
	get := func(path string, into any) int {
		t.Helper()
		resp, body := call(t, srv, "GET", path, nil, nil)
		if resp.StatusCode == 200 {
			if err := json.Unmarshal(body, into); err != nil {
				t.Fatalf("%s: %s: %v", path, body, err)
			}
		} else if msgs, _ := errorBody(t, resp, body); len(msgs) != 1 {
			t.Errorf("%s: %s", path, body)
		} else if s, ok := into.(*string); ok {
			*s = msgs[0]
		}
		return resp.StatusCode
	}
	type proj struct{ ID, Key, Name, Self string }
	var list []proj
	if code := get("/rest/api/2/project", &list); code != 200 {
		t.Fatalf("project list: %d", code)
	}
	base := srv.URL() + "/rest/api/2/project/"
	wantList := []proj{{"10000", "OPS", "Operations", base + "10000"}, {"10200", "SRE", "Site Reliability", base + "10200"}}
	if diff := cmp.Diff(wantList, list); diff != "" {
		t.Errorf("project list (-want +got):\n%s", diff)
	}
	type issueType struct{ ID, Name string }
	for _, ref := range []string{"SRE", "10200"} {
		var p struct {
			proj
			IssueTypes []issueType
		}
		if code := get("/rest/api/2/project/"+ref, &p); code != 200 || p.proj != wantList[1] ||
			!cmp.Equal(p.IssueTypes, []issueType{{"10102", "Story"}, {"10101", "Task"}}) {
			t.Errorf("project %s: %d %+v", ref, code, p)
		}
	}
	var page struct {
		MaxResults, StartAt, Total int
		IsLast                     bool
		Values                     []issueType
	}
	if code := get("/rest/api/2/issue/createmeta/OPS/issuetypes", &page); code != 200 || page.Total != 2 || !page.IsLast ||
		!cmp.Equal(page.Values, []issueType{{"10100", "Incident"}, {"10101", "Task"}}) {
		t.Errorf("createmeta of OPS: %d %+v", code, page)
	}
	if code := get("/rest/api/2/issue/createmeta/SRE/issuetypes?startAt=1&maxResults=1", &page); code != 200 || page.Total != 2 ||
		!page.IsLast || page.StartAt != 1 || !cmp.Equal(page.Values, []issueType{{"10101", "Task"}}) {
		t.Errorf("createmeta of SRE, second page: %d %+v", code, page)
	}
	var fields struct {
		Values []struct {
			FieldID       string
			Required      bool
			AllowedValues []struct{ ID, Key, Name string }
		}
	}
	if code := get("/rest/api/2/issue/createmeta/SRE/issuetypes/10102?maxResults=2", &fields); code != 200 || len(fields.Values) != 2 ||
		fields.Values[0].FieldID != "project" || fields.Values[0].AllowedValues[0].Key != "SRE" ||
		fields.Values[1].FieldID != "issuetype" || fields.Values[1].AllowedValues[0].Name != "Story" || !fields.Values[1].Required {
		t.Errorf("create fields of Story in SRE: %d %+v", code, fields)
	}
	for path, want := range map[string]string{
		"/rest/api/2/project/NOPE":                          "No project could be found with key 'NOPE'.",
		"/rest/api/2/project/10999":                         "No project could be found with id '10999'.",
		"/rest/api/2/issue/createmeta/NOPE/issuetypes":      "No project could be found with key 'NOPE'.",
		"/rest/api/2/issue/createmeta/OPS/issuetypes/10102": "Issue type with id '10102' does not exist in project OPS.",
	} {
		var msg string
		if code := get(path, &msg); code != 404 || msg != want {
			t.Errorf("%s: %d %q, want 404 %q", path, code, msg, want)
		}
	}
}

// Without Options.Projects the fake has one project, OPS, as before.
func TestOneProjectByDefault(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	resp, body := call(t, srv, "GET", "/rest/api/2/project", nil, nil)
	var list []struct{ ID, Key string }
	if err := json.Unmarshal(body, &list); err != nil || resp.StatusCode != 200 || len(list) != 1 || list[0].Key != "OPS" || list[0].ID != "10000" {
		t.Errorf("projects: %d %s", resp.StatusCode, body)
	}
}

// fatalRecorder is a testing.TB whose Fatalf records instead of stopping.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

// Projects with a bad key, or a key or id used twice, are refused.
func TestBadProjectsRefused(t *testing.T) {
	tests := []struct {
		name     string
		projects []jiratest.Project
		want     string
	}{
		{"lower-case key", []jiratest.Project{{Key: "sre"}}, `project "sre"`},
		{"no key", []jiratest.Project{{Name: "Site Reliability"}}, `project ""`},
		{"key twice", []jiratest.Project{{Key: "OPS"}}, "used twice"},
		{"id twice", []jiratest.Project{{Key: "SRE", ID: "10000"}}, "used twice"},
		{"id not numeric", []jiratest.Project{{Key: "SRE", ID: "x"}}, "not numeric"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fatalRecorder{TB: t}
			jiratest.New(rec, jiratest.Options{Projects: tt.projects})
			if !strings.Contains(rec.msg, tt.want) {
				t.Errorf("New failed with %q, want %q", rec.msg, tt.want)
			}
		})
	}
}
