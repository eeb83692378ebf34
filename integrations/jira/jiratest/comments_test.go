package jiratest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func TestAddComment(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")

	got, resp, err := c.Issue.AddComment(key, &jira.Comment{Body: "Channel *inc-42* archived."})
	must(t, err)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, want 201", resp.StatusCode)
	}
	if got.ID == "" || got.Author.Name != "incident-bot" || got.Body != "Channel *inc-42* archived." || got.Created == "" {
		t.Errorf("comment = %+v", got)
	}
	if !strings.HasSuffix(got.Self, "/comment/"+got.ID) {
		t.Errorf("self = %q", got.Self)
	}

	is, _, err := c.Issue.Get(key, nil)
	must(t, err)
	if n := len(is.Fields.Comments.Comments); n != 1 || is.Fields.Comments.Comments[0].Body != got.Body {
		t.Errorf("issue has %d comments: %+v", n, is.Fields.Comments)
	}
	v := srv.Issue(key)
	if len(v.Comments) != 1 || v.Comments[0].Author != "incident-bot" || v.Comments[0].Body != got.Body {
		t.Errorf("view comments = %+v", v.Comments)
	}
}

func TestAddCommentRefused(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	key := createIssue(t, newClient(t, srv), "s")
	tests := []struct {
		name string
		body string
	}{
		{"empty body", `{"body":""}`},
		{"blank body", `{"body":"  \n"}`},
		{"no body", `{}`},
		{"ADF body on v2", `{"body":{"type":"doc","version":1,"content":[]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := call(t, srv, "POST", "/rest/api/2/issue/"+key+"/comment", strings.NewReader(tt.body), nil)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			if _, fields := errorBody(t, resp, body); fields["comment"] == "" {
				t.Errorf("errors = %v, want a comment entry", fields)
			}
		})
	}
	if n := len(srv.Issue(key).Comments); n != 0 {
		t.Errorf("%d comments stored", n)
	}
}

func TestListCommentsPaging(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	for i := range 5 {
		_, _, err := c.Issue.AddComment(key, &jira.Comment{Body: fmt.Sprint("c", i)})
		must(t, err)
	}
	tests := []struct {
		query string
		want  string // bodies on the page
		max   int
	}{
		{"", "c0 c1 c2 c3 c4", 5},
		{"?startAt=0&maxResults=2", "c0 c1", 2},
		{"?startAt=4&maxResults=2", "c4", 2},
		{"?startAt=9&maxResults=2", "", 2},
		{"?orderBy=-created&maxResults=2", "c4 c3", 2},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := call(t, srv, "GET", "/rest/api/2/issue/"+key+"/comment"+tt.query, nil, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			var page struct {
				StartAt, MaxResults, Total int
				Comments                   []jira.Comment
			}
			must(t, json.Unmarshal(body, &page))
			var bodies []string
			for _, c := range page.Comments {
				bodies = append(bodies, c.Body)
			}
			if got := strings.Join(bodies, " "); got != tt.want || page.Total != 5 || page.MaxResults != tt.max {
				t.Errorf("page %q total %d max %d, want %q total 5 max %d", got, page.Total, page.MaxResults, tt.want, tt.max)
			}
		})
	}
}
