package jiratest_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

func contains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }

func TestFailNext(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		headers     map[string]string
		body        string
		wantHeader  [2]string
		errContains string // in go-jira's error
		jsonBody    bool
	}{
		{"429 with Retry-After", 429, map[string]string{"Retry-After": "1"}, `{"errorMessages":["Rate limit exceeded."],"errors":{}}`,
			[2]string{"Retry-After", "1"}, "Rate limit exceeded.", true},
		{"503 from a gateway, plain text", 503, nil, "upstream connect error or disconnect/reset before headers",
			[2]string{"Content-Type", "text/plain; charset=utf-8"}, "503 Service Unavailable: upstream connect error", false},
		{"502 HTML page", 502, map[string]string{"Content-Type": "text/html"}, "<html><body>Bad Gateway</body></html>",
			[2]string{"Content-Type", "text/html"}, "Bad Gateway", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := jiratest.New(t, jiratest.Options{})
			c := newClient(t, srv)
			key := createIssue(t, c, "s")
			srv.FailNext(1, tt.status, tt.headers, tt.body)

			_, resp, err := c.Issue.AddComment(key, &jira.Comment{Body: "hello"})
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("resp %v err %v, want %d", resp, err, tt.status)
			}
			if got := resp.Header.Get(tt.wantHeader[0]); got != tt.wantHeader[1] {
				t.Errorf("%s = %q, want %q", tt.wantHeader[0], got, tt.wantHeader[1])
			}
			if err == nil || !strings.Contains(err.Error(), tt.errContains) {
				t.Errorf("go-jira error %v, want it to contain %q", err, tt.errContains)
			}
			if n := len(srv.Issue(key).Comments); n != 0 {
				t.Errorf("the failed request left %d comments", n)
			}
			// Only one request failed.
			if _, _, err := c.Issue.AddComment(key, &jira.Comment{Body: "hello"}); err != nil {
				t.Fatalf("retry: %v", err)
			}
			reqs := srv.Requests()
			last2 := reqs[len(reqs)-2:]
			if !last2[0].Fault || last2[0].Status != tt.status || last2[1].Fault || last2[1].Status != 201 {
				t.Errorf("requests = %+v", last2)
			}
		})
	}
}

func TestInjectMatchesPathAndMethod(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	srv.Inject(jiratest.Fault{Method: "POST", Path: "/comment", Times: 2, Status: 503, Body: "busy"})

	if _, _, err := c.Issue.Get(key, nil); err != nil {
		t.Fatalf("GET hit a POST /comment fault: %v", err)
	}
	for i := range 2 {
		if _, resp, _ := c.Issue.AddComment(key, &jira.Comment{Body: "x"}); resp.StatusCode != 503 {
			t.Fatalf("comment %d: %d, want 503", i, resp.StatusCode)
		}
	}
	if _, resp, err := c.Issue.AddComment(key, &jira.Comment{Body: "x"}); err != nil || resp.StatusCode != 201 {
		t.Fatalf("third comment: %v", err)
	}
	// A Path ending in "$" matches the end of the path only: creates, not comments.
	srv.Inject(jiratest.Fault{Method: "POST", Path: "/rest/api/2/issue$", Status: 503, Body: "busy"})
	if _, resp, err := c.Issue.AddComment(key, &jira.Comment{Body: "y"}); err != nil || resp.StatusCode != 201 {
		t.Fatalf("a comment hit the creates' fault: %v", err)
	}
	if _, resp, _ := c.Issue.Create(&jira.Issue{Fields: &jira.IssueFields{Project: jira.Project{Key: "OPS"}, Type: jira.IssueType{Name: "Task"}, Summary: "s"}}); resp.StatusCode != 503 {
		t.Fatalf("create: %d, want 503", resp.StatusCode)
	}
}

func TestCommittedFaultDuplicatesOnBlindRetry(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	key := createIssue(t, c, "s")
	srv.Inject(jiratest.Fault{Path: "/comment", Status: 504, Body: "gateway timeout", Committed: true})
	_, resp, _ := c.Issue.AddComment(key, &jira.Comment{Body: "timeline"})
	if resp.StatusCode != 504 {
		t.Fatalf("status %d, want 504", resp.StatusCode)
	}
	if v := srv.Issue(key); len(v.Comments) != 1 {
		t.Errorf("committed fault: %d comments, want 1 (the work is done)", len(v.Comments))
	}
}

func TestFaultDelay(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	srv.Inject(jiratest.Fault{Status: 200, Body: "{}", Delay: 300 * time.Millisecond})
	hc := &http.Client{Timeout: 50 * time.Millisecond}
	req, _ := http.NewRequest("GET", srv.URL()+"/rest/api/2/myself", nil)
	if _, err := hc.Do(req); err == nil {
		t.Errorf("a slow answer did not trip the client timeout")
	}
}

func TestSetDown(t *testing.T) {
	srv := jiratest.New(t, jiratest.Options{})
	c := newClient(t, srv)
	srv.SetDown(true)
	_, resp, err := c.User.GetSelf()
	if resp == nil || resp.StatusCode != 503 || strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("down: resp %v err %v, want a non-JSON 503", resp, err)
	}
	if _, resp, _ := c.Issue.Search("", nil); resp.StatusCode != 503 {
		t.Errorf("search while down: %d", resp.StatusCode)
	}
	srv.SetDown(false)
	if _, _, err := c.User.GetSelf(); err != nil {
		t.Errorf("back up: %v", err)
	}
}

func TestIssueWriteLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := jiratest.New(t, jiratest.Options{IssueWriteLimit: 2, IssueWriteWindow: 10 * time.Second, Now: clock})
	c := newClient(t, srv)
	a, b := createIssue(t, c, "a"), createIssue(t, c, "b")

	for i := range 2 {
		if _, _, err := c.Issue.AddComment(a, &jira.Comment{Body: "x"}); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	_, resp, err := c.Issue.AddComment(a, &jira.Comment{Body: "x"})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "10" ||
		resp.Header.Get("RateLimit-Reason") != "jira-per-issue-on-write" {
		t.Fatalf("third write: %d %v (%v)", resp.StatusCode, resp.Header, err)
	}
	if _, _, err := c.Issue.AddComment(b, &jira.Comment{Body: "x"}); err != nil {
		t.Errorf("another issue is limited too: %v", err)
	}
	if _, _, err := c.Issue.Get(a, nil); err != nil {
		t.Errorf("reads are limited too: %v", err)
	}
	mu.Lock()
	now = now.Add(10 * time.Second)
	mu.Unlock()
	if _, _, err := c.Issue.AddComment(a, &jira.Comment{Body: "x"}); err != nil {
		t.Errorf("after the window: %v", err)
	}
}
