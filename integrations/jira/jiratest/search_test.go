package jiratest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func keys(issues []jira.Issue) string {
	var out []string
	for _, is := range issues {
		out = append(out, is.Key)
	}
	return strings.Join(out, " ")
}

// seed creates OPS-1…OPS-6; odd ones carry "inc-odd", all carry
// "incident"; OPS-5 is Done; OPS-2 has a comment.
func seed(t *testing.T) (*jiratest.Server, *jira.Client) {
	t.Helper()
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	for i := 1; i <= 6; i++ {
		labels := []string{"incident"}
		if i%2 == 1 {
			labels = append(labels, "inc-odd")
		}
		createIssue(t, c, "checkout latency", labels...)
	}
	srv.CommentAsUser("jsmith", "OPS-2", "rolled back deploy 1234")
	srv.TransitionAsUser("jsmith", "OPS-5", "Done")
	return srv, c
}

func TestSearchJQL(t *testing.T) {
	_, c := seed(t)
	tests := []struct {
		jql  string
		want string
	}{
		{"", "OPS-1 OPS-2 OPS-3 OPS-4 OPS-5 OPS-6"},
		{"project = OPS", "OPS-1 OPS-2 OPS-3 OPS-4 OPS-5 OPS-6"},
		{`project = "OPS"`, "OPS-1 OPS-2 OPS-3 OPS-4 OPS-5 OPS-6"},
		{`labels = "inc-odd"`, "OPS-1 OPS-3 OPS-5"},
		{"labels = inc-odd", "OPS-1 OPS-3 OPS-5"},
		{"labels = nothing", ""},
		{"key = OPS-2", "OPS-2"},
		{"issuekey = ops-2", "OPS-2"},
		{`project = OPS AND labels = "inc-odd" AND key = OPS-3`, "OPS-3"},
		{`project = OPS and labels = inc-odd and statusCategory != Done`, "OPS-1 OPS-3"},
		{"key = OPS-1 OR key = OPS-4", "OPS-1 OPS-4"},
		{"key in (OPS-1, OPS-4)", "OPS-1 OPS-4"},
		{"labels not in (inc-odd)", "OPS-2 OPS-4 OPS-6"},
		{"labels != inc-odd", "OPS-2 OPS-4 OPS-6"},
		{"assignee is EMPTY and key = OPS-1", "OPS-1"},
		{"assignee != jsmith", ""},
		{"status = Done", "OPS-5"},
		{"resolution = Unresolved AND labels = inc-odd", "OPS-1 OPS-3"},
		{"resolution is not EMPTY", "OPS-5"},
		{`text ~ "deploy 1234"`, "OPS-2"},
		{"NOT (labels = inc-odd)", "OPS-2 OPS-4 OPS-6"},
		{"project = OPS ORDER BY key DESC", "OPS-6 OPS-5 OPS-4 OPS-3 OPS-2 OPS-1"},
		{"reporter = currentUser() AND key = OPS-1", "OPS-1"},
	}
	for _, tt := range tests {
		t.Run(tt.jql, func(t *testing.T) {
			issues, resp, err := c.Issue.Search(tt.jql, nil)
			must(t, err)
			if got := keys(issues); got != tt.want || resp.Total != len(issues) {
				t.Errorf("got %q (total %d), want %q", got, resp.Total, tt.want)
			}
		})
	}
}

func TestSearchBadJQL(t *testing.T) {
	_, c := seed(t)
	for _, jql := range []string{
		"project = ",
		"project = OPS AND",
		`labels = "unclosed`,
		"nosuchfield = x",
		"project = NOPE",
		"key = OPS-99",
		"status = Resolved",
		"created > -1d",
		"summary = exact",
		"project = OPS ORDER BY",
		"(key = OPS-1",
	} {
		t.Run(jql, func(t *testing.T) {
			_, resp, err := c.Issue.Search(jql, nil)
			if resp == nil || resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("resp %v err %v, want 400", resp, err)
			}
			if je := jiraError(t, err); len(je.ErrorMessages) == 0 {
				t.Errorf("400 without errorMessages")
			}
		})
	}
}

func TestSearchPaging(t *testing.T) {
	_, c := seed(t)
	var got []string
	err := c.Issue.SearchPages("project = OPS", &jira.SearchOptions{MaxResults: 4}, func(is jira.Issue) error {
		got = append(got, is.Key)
		return nil
	})
	must(t, err)
	if strings.Join(got, " ") != "OPS-1 OPS-2 OPS-3 OPS-4 OPS-5 OPS-6" {
		t.Errorf("SearchPages = %v", got)
	}

	tests := []struct {
		start, max       int
		want             string
		echoedMax, total int
	}{
		{0, 2, "OPS-1 OPS-2", 2, 6},
		{4, 2, "OPS-5 OPS-6", 2, 6},
		{5, 50, "OPS-6", 50, 6},
		{9, 2, "", 2, 6},
	}
	for _, tt := range tests {
		issues, resp, err := c.Issue.Search("project = OPS", &jira.SearchOptions{StartAt: tt.start, MaxResults: tt.max})
		must(t, err)
		if keys(issues) != tt.want || resp.MaxResults != tt.echoedMax || resp.Total != tt.total || resp.StartAt != tt.start {
			t.Errorf("startAt %d max %d: %q max %d total %d", tt.start, tt.max, keys(issues), resp.MaxResults, resp.Total)
		}
	}

	// maxResults above the server's cap is capped and echoed capped, so
	// a pager that trusts its own page size skips issues.
	small := jiratest.New(t, jiratest.Options{MaxSearchResults: 2})
	sc := newClient(t, small)
	for range 3 {
		createIssue(t, sc, "s")
	}
	issues, resp, err := sc.Issue.Search("", &jira.SearchOptions{MaxResults: 50})
	must(t, err)
	if len(issues) != 2 || resp.MaxResults != 2 || resp.Total != 3 {
		t.Errorf("capped: %d issues, maxResults %d, total %d", len(issues), resp.MaxResults, resp.Total)
	}

	// Search leaves comments out by default, like *navigable.
	issues, _, err = c.Issue.Search("key = OPS-2", nil)
	must(t, err)
	if issues[0].Fields.Comments != nil {
		t.Errorf("search result carries comments by default")
	}
	issues, _, err = c.Issue.Search("key = OPS-2", &jira.SearchOptions{Fields: []string{"summary", "comment"}})
	must(t, err)
	if issues[0].Fields.Comments == nil || len(issues[0].Fields.Comments.Comments) != 1 || issues[0].Fields.Status != nil {
		t.Errorf("fields=summary,comment: %+v", issues[0].Fields)
	}
}

func TestSearchPost(t *testing.T) {
	srv, _ := seed(t)
	resp, body := call(t, srv, "POST", "/rest/api/2/search",
		strings.NewReader(`{"jql":"labels = inc-odd","startAt":1,"maxResults":1,"fields":["summary"]}`), nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"key":"OPS-3"`) || !strings.Contains(string(body), `"total":3`) {
		t.Errorf("POST search: %d %s", resp.StatusCode, body)
	}
	// Cloud's enhanced search does not exist on Data Center.
	resp, _ = call(t, srv, "GET", "/rest/api/2/search/jql?jql="+url.QueryEscape("project = OPS"), nil, nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /search/jql: %d, want 404 on Data Center", resp.StatusCode)
	}
}
