package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// system is Jira as the shared classifier knows it: what to check after a
// refusal, and how long a 429 without Retry-After waits.
var system = httpclass.System{Name: "Jira", Hold: 2 * time.Second, Hints: map[int]string{
	http.StatusUnauthorized: "check tickets.jira.user and tickets.jira.token",
	http.StatusForbidden:    "the Jira user lacks the permission in project",
	http.StatusNotFound:     "it does not exist or the Jira user cannot see it",
}}

// classify turns a go-jira failure into a domain error (httpclass has the
// rule). go-jira parses Jira's error body for most calls but not for issue
// creation, so the body is read here when it was not: the message quotes
// Jira's own words.
func classify(op string, resp *jira.Response, err error) error {
	return classifyAs(system, op, resp, err)
}

// classifyAs is classify with sys's hints, for a call whose refusal points
// at one config key.
func classifyAs(sys httpclass.System, op string, resp *jira.Response, err error) error {
	if err == nil {
		return nil
	}
	if resp == nil || resp.Response == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return sys.Failure(op, err)
	}
	return sys.Answer(op, resp.StatusCode, resp.Header, errors.New(jiraMessage(resp, err)))
}

// jiraMessage is Jira's own explanation: errorMessages and the per-field
// errors, or the raw body when it was not JSON.
func jiraMessage(resp *jira.Response, err error) string {
	var je *jira.Error
	if errors.As(err, &je) {
		return formatJiraError(je.ErrorMessages, je.Errors)
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body = io.NopCloser(bytes.NewReader(body)) // readable again by the next caller
	if rerr != nil || len(body) == 0 {
		return http.StatusText(resp.StatusCode)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		var parsed struct {
			ErrorMessages []string          `json:"errorMessages"`
			Errors        map[string]string `json:"errors"`
		}
		if json.Unmarshal(body, &parsed) == nil {
			return formatJiraError(parsed.ErrorMessages, parsed.Errors)
		}
	}
	return strings.TrimSpace(string(body))
}

func formatJiraError(messages []string, fields map[string]string) string {
	parts := append([]string{}, messages...)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+fields[k])
	}
	if len(parts) == 0 {
		return "no details"
	}
	return strings.Join(parts, "; ")
}

// fieldError reports whether Jira refused the named field.
func fieldError(resp *jira.Response, err error, field string) bool {
	return resp != nil && resp.Response != nil && resp.StatusCode == http.StatusBadRequest && strings.Contains(jiraMessage(resp, err), field+":")
}
