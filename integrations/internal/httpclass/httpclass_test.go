package httpclass

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

var now = time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC)

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

var jira = System{Name: "Jira", Hold: 2 * time.Second, Now: func() time.Time { return now },
	Hints: map[int]string{401: "check tickets.jira.user and tickets.jira.token"}, Otherwise: "is the URL right?"}

func TestAnswer(t *testing.T) {
	tests := []struct {
		name   string
		sys    System
		status int
		h      http.Header
		detail error
		kind   incident.Kind
		hold   time.Duration // of an *incident.RetryAfter; 0: none
		msg    string        // the whole message
	}{
		{"401 names what to check", jira, 401, nil, errors.New("Unauthorized (401)"), incident.KindPermanent, 0,
			"create issue: Jira answered 401: Unauthorized (401); check tickets.jira.user and tickets.jira.token"},
		{"403 without a hint of its own", jira, 403, nil, errors.New("no"), incident.KindPermanent, 0,
			"create issue: Jira answered 403: no; is the URL right?"},
		{"404 is permanent", jira, 404, nil, nil, incident.KindPermanent, 0,
			"create issue: Jira answered 404: Not Found; is the URL right?"},
		{"409 is permanent", jira, 409, nil, nil, incident.KindPermanent, 0,
			"create issue: Jira answered 409: Conflict; is the URL right?"},
		{"400 is permanent", jira, 400, nil, errors.New("summary: too long"), incident.KindPermanent, 0,
			"create issue: Jira answered 400: summary: too long; is the URL right?"},
		{"3xx is permanent", jira, 302, nil, nil, incident.KindPermanent, 0,
			"create issue: Jira answered 302: Found; is the URL right?"},
		{"an unusable 200 is permanent", jira, 200, nil, errors.New("not JSON"), incident.KindPermanent, 0,
			"create issue: Jira answered 200: not JSON; is the URL right?"},
		{"500 retries, no hint", jira, 500, nil, errors.New("boom"), incident.KindTransient, 0,
			"create issue: Jira answered 500: boom"},
		{"502", jira, 502, nil, nil, incident.KindTransient, 0, "create issue: Jira answered 502: Bad Gateway"},
		{"408 retries", jira, 408, nil, nil, incident.KindTransient, 0, "create issue: Jira answered 408: Request Timeout"},
		{"503 without Retry-After retries without a hold", jira, 503, nil, nil, incident.KindTransient, 0,
			"create issue: Jira answered 503: Service Unavailable"},
		{"503 with Retry-After holds", jira, 503, header("Retry-After", "120"), nil, incident.KindTransient,
			120*time.Second + margin, "create issue: Jira answered 503: Service Unavailable"},
		{"503 with a past date: no hold", jira, 503, header("Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)), nil,
			incident.KindTransient, 0, "create issue: Jira answered 503: Service Unavailable"},
		{"429 with Retry-After seconds", jira, 429, header("Retry-After", "7"), nil, incident.KindTransient,
			7*time.Second + margin, "create issue: Jira answered 429 (rate limited): Too Many Requests"},
		{"429 with an HTTP-date", jira, 429, header("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), nil,
			incident.KindTransient, 90*time.Second + margin, "create issue: Jira answered 429 (rate limited): Too Many Requests"},
		{"429 without a header: the system's hold", jira, 429, nil, nil, incident.KindTransient, 2 * time.Second,
			"create issue: Jira answered 429 (rate limited): Too Many Requests"},
		{"429 with Retry-After 0: the system's hold", jira, 429, header("Retry-After", "0"), nil, incident.KindTransient, 2 * time.Second,
			"create issue: Jira answered 429 (rate limited): Too Many Requests"},
		{"429 with a garbled Retry-After: the system's hold", jira, 429, header("Retry-After", "soon"), nil, incident.KindTransient,
			2 * time.Second, "create issue: Jira answered 429 (rate limited): Too Many Requests"},
		{"429 of a system without a hold: the default", System{Name: "Icinga 2"}, 429, nil, nil, incident.KindTransient, DefaultHold,
			"create issue: Icinga 2 answered 429 (rate limited): Too Many Requests"},
		{"429 hint", System{Name: "PagerDuty", Hints: map[int]string{429: "PagerDuty throttles each routing key"}}, 429, nil, nil,
			incident.KindTransient, DefaultHold, "create issue: PagerDuty answered 429 (rate limited): Too Many Requests; PagerDuty throttles each routing key"},
		{"the vendor's rate-limit header first", System{Name: "Mattermost", Hold: time.Second,
			RateLimit: func(h http.Header, _ time.Time) (time.Duration, bool) {
				return 3 * time.Second, h.Get("X-RateLimit-Reset") != ""
			}},
			429, header("X-RateLimit-Reset", "3", "Retry-After", "60"), nil, incident.KindTransient, 3 * time.Second,
			"create issue: Mattermost answered 429 (rate limited): Too Many Requests"},
		{"then Retry-After", System{Name: "Mattermost", Hold: time.Second,
			RateLimit: func(h http.Header, _ time.Time) (time.Duration, bool) {
				return 3 * time.Second, h.Get("X-RateLimit-Reset") != ""
			}},
			429, header("Retry-After", "60"), nil, incident.KindTransient, 60*time.Second + margin,
			"create issue: Mattermost answered 429 (rate limited): Too Many Requests"},
		{"a status mapped to another kind", System{Name: "Prometheus", Kinds: map[int]incident.Kind{400: incident.KindInvalid},
			Hints: map[int]string{400: "fix the query"}}, 400, nil, errors.New("parse error"), incident.KindInvalid, 0,
			"create issue: Prometheus answered 400: parse error; fix the query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sys.Answer("create issue", tt.status, tt.h, tt.detail)
			if k := incident.ErrorKind(err); k != tt.kind {
				t.Errorf("kind %s, want %s", k, tt.kind)
			}
			if m := incident.ErrorMessage(err); m != tt.msg {
				t.Errorf("message\n %q, want\n %q", m, tt.msg)
			}
			var ra *incident.RetryAfter
			switch held := errors.As(err, &ra); {
			case held != (tt.hold > 0):
				t.Errorf("held %v, want a hold of %s", held, tt.hold)
			case held && ra.After != tt.hold:
				t.Errorf("hold %s, want %s", ra.After, tt.hold)
			}
			if got := Status(err); got != tt.status {
				t.Errorf("Status = %d, want %d", got, tt.status)
			}
			if tt.detail != nil && !errors.Is(err, tt.detail) {
				t.Errorf("%v does not wrap the detail", err)
			}
		})
	}
}

// appError stands in for a vendor's error type that an adapter looks for.
type appError struct{ id string }

func (e *appError) Error() string { return "app error " + e.id }

func TestAnswerKeepsTheVendorsError(t *testing.T) {
	err := jira.Answer("post", 403, nil, fmt.Errorf("wrapped: %w", &appError{id: "api.context.permissions"}))
	var app *appError
	if !errors.As(err, &app) || app.id != "api.context.permissions" {
		t.Fatalf("%v: the vendor's error is lost", err)
	}
}

func TestWithHint(t *testing.T) {
	routing := jira.WithHint(401, "check the routing key")
	if m := incident.ErrorMessage(routing.Answer("send", 401, nil, nil)); m != "send: Jira answered 401: Unauthorized; check the routing key" {
		t.Errorf("with the hint: %q", m)
	}
	if m := incident.ErrorMessage(jira.Answer("send", 401, nil, nil)); !strings.HasSuffix(m, "check tickets.jira.user and tickets.jira.token") {
		t.Errorf("the original changed: %q", m)
	}
}

func TestFailure(t *testing.T) {
	refused := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	tests := []struct {
		name   string
		answer bool // through Answer (with status), else Failure
		status int
		err    error
		msg    string
	}{
		{"refused", false, 0, refused, "create issue: Jira is unreachable: dial tcp 127.0.0.1:1: connect: connection refused"},
		{"cancelled", false, 0, context.Canceled, "create issue: context canceled"},
		{"timed out", false, 0, fmt.Errorf("get: %w", context.DeadlineExceeded), "create issue: get: context deadline exceeded"},
		{"cancelled with a status", true, 502, context.Canceled, "create issue: context canceled"},
		{"status 0 is no answer", true, 0, refused, "create issue: Jira is unreachable: dial tcp 127.0.0.1:1: connect: connection refused"},
		{"no answer, no error", true, 0, nil, "create issue: Jira is unreachable: no answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jira.Failure("create issue", tt.err)
			if tt.answer {
				err = jira.Answer("create issue", tt.status, nil, tt.err)
			}
			if k := incident.ErrorKind(err); k != incident.KindTransient {
				t.Errorf("kind %s, want transient", k)
			}
			if m := incident.ErrorMessage(err); m != tt.msg {
				t.Errorf("message %q, want %q", m, tt.msg)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap %v", err, tt.err)
			}
			var ra *incident.RetryAfter
			if errors.As(err, &ra) {
				t.Errorf("a failure to get an answer holds the system: %v", err)
			}
			if Status(err) != 0 {
				t.Errorf("Status = %d, want 0", Status(err))
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration // 0: says nothing
	}{
		{"", 0},
		{"1", time.Second + margin},
		{" 30 ", 30*time.Second + margin},
		{"0", 0},
		{"-5", 0},
		{"99999999999999", 0},
		{"1.5", 0},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10*time.Second + margin},
		{now.Add(10 * time.Second).Format(time.RFC850), 10*time.Second + margin},
		{now.Format(http.TimeFormat), 0},
		{"Wed, 02 Dec 2026 25:00:00 GMT", 0},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, ok := retryAfter(header("Retry-After", tt.value), now)
			if ok != (tt.want > 0) || got != tt.want {
				t.Errorf("retryAfter(%q) = %s, %v; want %s", tt.value, got, ok, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes; 200 cuts a rune in half
	tests := []struct{ in, want string }{
		{"", "(empty body)"},
		{"  \n", "(empty body)"},
		{" bad gateway\n", "bad gateway"},
		{long, strings.Repeat("é", 100) + "…"},
	}
	for _, tt := range tests {
		if got := Snippet([]byte(tt.in)); got != tt.want {
			t.Errorf("Snippet(%.20q) = %.20q, want %.20q", tt.in, got, tt.want)
		}
	}
}
