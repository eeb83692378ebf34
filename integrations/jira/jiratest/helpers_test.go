package jiratest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/jira/jiratest"
)

// newClient is go-jira v1 logged in as the fake's bot with basic auth, the
// way the adapter builds it.
func newClient(t *testing.T, srv *jiratest.Server) *jira.Client {
	t.Helper()
	o := srv.Options()
	tp := jira.BasicAuthTransport{Username: o.User, Password: o.Token}
	c, err := jira.NewClient(tp.Client(), srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// call makes a raw request as the bot; headers override the defaults, and
// an empty Authorization header sends none.
func call(t *testing.T, srv *jiratest.Server, method, path string, body io.Reader, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	o := srv.Options()
	req.SetBasicAuth(o.User, o.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// errorBody decodes Jira's JSON error body, failing when it is not one.
func errorBody(t *testing.T, resp *http.Response, body []byte) (messages []string, fields map[string]string) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error body Content-Type = %q, want JSON; body %s", ct, body)
	}
	var e struct {
		ErrorMessages *[]string          `json:"errorMessages"`
		Errors        *map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	if e.ErrorMessages == nil || e.Errors == nil {
		t.Fatalf("error body %s lacks errorMessages or errors", body)
	}
	return *e.ErrorMessages, *e.Errors
}

// jiraError is the *jira.Error go-jira parsed from the body, or fails.
func jiraError(t *testing.T, err error) *jira.Error {
	t.Helper()
	var je *jira.Error
	if !errors.As(err, &je) {
		t.Fatalf("error %v (%T) is not a *jira.Error", err, err)
	}
	return je
}

// createIssue creates an issue through go-jira and returns its key.
func createIssue(t *testing.T, c *jira.Client, summary string, labels ...string) string {
	t.Helper()
	is, resp, err := c.Issue.Create(&jira.Issue{Fields: &jira.IssueFields{
		Project: jira.Project{Key: "OPS"},
		Type:    jira.IssueType{Name: "Incident"},
		Summary: summary,
		Labels:  labels,
	}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: status %d, want 201", resp.StatusCode)
	}
	return is.Key
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
