package jira

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/incident"
)

// TestClassify: Jira's answers keep the kinds and holds they had, quote
// Jira's own words (from go-jira's parsed error, or from the body it did
// not parse), and say what to check.
func TestClassify(t *testing.T) {
	resp := func(status int, contentType, body string, h ...string) *jira.Response {
		hdr := http.Header{"Content-Type": {contentType}}
		for i := 0; i+1 < len(h); i += 2 {
			hdr.Set(h[i], h[i+1])
		}
		return &jira.Response{Response: &http.Response{StatusCode: status, Header: hdr, Body: io.NopCloser(strings.NewReader(body))}}
	}
	jsonBody := `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`
	tests := []struct {
		name string
		resp *jira.Response
		err  error
		kind incident.Kind
		hold time.Duration // 0: no *incident.RetryAfter
		msg  string
	}{
		{"401 from the body", resp(401, "application/json", `{"errorMessages":["You are not authenticated."]}`), errors.New("401"),
			incident.KindPermanent, 0, "create: Jira answered 401: You are not authenticated.; check tickets.jira.user and tickets.jira.token"},
		{"404 as go-jira parsed it", resp(404, "application/json", ""),
			&jira.Error{ErrorMessages: []string{"Issue does not exist or you do not have permission to see it."}},
			incident.KindPermanent, 0, "create: Jira answered 404: Issue does not exist or you do not have permission to see it.; it does not exist or the Jira user cannot see it"},
		{"404 body read here", resp(404, "application/json;charset=UTF-8", jsonBody), errors.New("404"),
			incident.KindPermanent, 0, "create: Jira answered 404: Issue does not exist or you do not have permission to see it.; it does not exist or the Jira user cannot see it"},
		{"400 field errors", resp(400, "application/json", `{"errorMessages":[],"errors":{"summary":"too long","labels":"bad"}}`), errors.New("400"),
			incident.KindPermanent, 0, "create: Jira answered 400: labels: bad; summary: too long"},
		{"403", resp(403, "text/plain", "nope"), errors.New("403"),
			incident.KindPermanent, 0, "create: Jira answered 403: nope; the Jira user lacks the permission in project"},
		{"429 waits as Retry-After says", resp(429, "text/plain", "", "Retry-After", "3"), errors.New("429"),
			incident.KindTransient, 3*time.Second + 100*time.Millisecond, "create: Jira answered 429 (rate limited): Too Many Requests"},
		{"429 without Retry-After", resp(429, "text/plain", ""), errors.New("429"),
			incident.KindTransient, 2 * time.Second, "create: Jira answered 429 (rate limited): Too Many Requests"},
		{"503 with Retry-After waits too", resp(503, "text/html", "maintenance", "Retry-After", "60"), errors.New("503"),
			incident.KindTransient, 60*time.Second + 100*time.Millisecond, "create: Jira answered 503: maintenance"},
		{"503 without Retry-After retries", resp(503, "text/html", "down"), errors.New("503"),
			incident.KindTransient, 0, "create: Jira answered 503: down"},
		{"unreachable", nil, errors.New("dial tcp: connection refused"),
			incident.KindTransient, 0, "create: Jira is unreachable: dial tcp: connection refused"},
		{"cancelled", resp(502, "text/plain", ""), context.Canceled, incident.KindTransient, 0, "create: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify("create", tt.resp, tt.err)
			if k := incident.ErrorKind(err); k != tt.kind {
				t.Errorf("kind %s, want %s", k, tt.kind)
			}
			if m := incident.ErrorMessage(err); m != tt.msg {
				t.Errorf("message\n %q, want\n %q", m, tt.msg)
			}
			var ra *incident.RetryAfter
			if held := errors.As(err, &ra); held != (tt.hold > 0) || held && ra.After != tt.hold {
				t.Errorf("retry after %v, want %s", ra, tt.hold)
			}
			var je *jira.Error
			if errors.As(err, &je) {
				t.Errorf("go-jira's error type leaves the adapter: %v", err)
			}
		})
	}
	if classify("create", nil, nil) != nil {
		t.Error("no error classified as one")
	}
}
