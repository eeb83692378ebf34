package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/incident"
)

// classify turns a go-jira failure into a domain error. go-jira parses
// Jira's error body for most calls but not for issue creation, so the body
// is read here when it was not. 429 and 503 wait as Retry-After says; other
// 5xx and network errors retry; 401/403/404/400 are permanent with Jira's
// own words and what to check.
func classify(op string, resp *jira.Response, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return incident.Errorf(incident.KindTransient, "%s: %w", op, err)
	}
	if resp == nil || resp.Response == nil {
		return incident.Errorf(incident.KindTransient, "%s: Jira is unreachable: %w", op, err)
	}
	status := resp.StatusCode
	msg := jiraMessage(resp, err)
	e := fmt.Errorf("%s: Jira answered %d: %s", op, status, msg)
	switch {
	case status == http.StatusTooManyRequests || (status == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != ""):
		return &incident.RetryAfter{After: retryAfter(resp.Header), Err: incident.Errorf(incident.KindTransient, "%w", e)}
	case status >= 500:
		return incident.Errorf(incident.KindTransient, "%w", e)
	case status == http.StatusUnauthorized:
		return incident.Errorf(incident.KindPermanent, "%w; check tickets.jira.user and tickets.jira.token", e)
	case status == http.StatusForbidden:
		return incident.Errorf(incident.KindPermanent, "%w; the Jira user lacks the permission in project", e)
	case status == http.StatusNotFound:
		return incident.Errorf(incident.KindPermanent, "%w; it does not exist or the Jira user cannot see it", e)
	}
	return incident.Errorf(incident.KindPermanent, "%w", e)
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

func retryAfter(h http.Header) time.Duration {
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && v >= 0 {
		return time.Duration(v)*time.Second + 100*time.Millisecond
	}
	return 2 * time.Second
}
