// Package httpclass sorts what an outside system answered over HTTP, or the
// failure to get an answer, into warroom's error kinds, with a message that
// names the system and says what to check. It is the one copy of the rule
// every adapter follows:
//
//   - no answer (refused connection, timeout, cancelled context): transient;
//   - 429: transient, held as an *incident.RetryAfter for as long as the
//     system asks (its own rate-limit header, else Retry-After, else the
//     system's default hold), so the job runner stops claiming the backend's
//     jobs until then;
//   - 503 with a Retry-After: held the same way; 408 and other 5xx:
//     transient;
//   - anything else (401, 403, 404, 409, other 4xx, 3xx): permanent, unless
//     the system maps the status to another kind.
//
// 404 and 409 stay permanent (the runner parks them at once); an adapter that
// gives them a meaning of its own ("already gone") asks Status.
package httpclass

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// DefaultHold is how long a 429 holds a system that gives no usable hint
// and names no hold of its own.
const DefaultHold = 5 * time.Second

// margin is added to a hold read from a header: the headers count whole
// seconds, so the exact instant may still be a moment early.
const margin = 100 * time.Millisecond

// System is one outside system as its adapter knows it. The zero value of
// each optional field is a sensible default.
type System struct {
	// Name is the system as the user knows it: "Jira", "Mattermost".
	Name string
	// Hints say what to check after a status, e.g. 401: "check
	// tickets.jira.user and tickets.jira.token". They end the message.
	Hints map[int]string
	// Otherwise is the hint for a permanent refusal that has none in Hints.
	Otherwise string
	// Kinds gives a status another kind than the rule's, e.g. 400 as
	// incident.KindInvalid for a query language the user wrote.
	Kinds map[int]incident.Kind
	// Hold is how long a 429 holds the system when nothing in the answer
	// says; zero means DefaultHold.
	Hold time.Duration
	// RateLimit reads the system's own rate-limit header, if it has one
	// (Mattermost's X-RateLimit-Reset); ok false: not there, try Retry-After.
	RateLimit func(h http.Header, now time.Time) (hold time.Duration, ok bool)
	// Now is the clock an HTTP-date Retry-After is read against; nil means
	// time.Now.
	Now func() time.Time
}

// WithHint returns a copy of s whose hint for status is hint, for a call
// whose refusal means something more precise than the system's usual one.
func (s System) WithHint(status int, hint string) System {
	hints := make(map[int]string, len(s.Hints)+1)
	for k, v := range s.Hints {
		hints[k] = v
	}
	hints[status] = hint
	s.Hints = hints
	return s
}

// Error is an answer outside 2xx, the cause of the *incident.Error that
// Answer returns. Detail is the system's own explanation.
type Error struct {
	Status int
	Detail error
}

// Error implements error.
func (e *Error) Error() string { return e.Detail.Error() }

// Unwrap returns the system's explanation, so that an adapter finds its own
// error type (Mattermost's AppError, say) with errors.As.
func (e *Error) Unwrap() error { return e.Detail }

// Status is the HTTP status of an error made by Answer, or 0 for any other
// error (no answer, or not from this package).
func Status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Failure classifies a call that got no answer: the transport's error, or
// a cancelled or timed-out context. It is transient and wraps err. op
// names the call, e.g. "create channel inc-1".
func (s System) Failure(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return incident.Errorf(incident.KindTransient, "%s: %w", op, err)
	}
	return incident.Errorf(incident.KindTransient, "%s: %s is unreachable: %w", op, s.Name, err)
}

// Answer classifies an answer whose status is outside 2xx (a 2xx passed
// here is a refusal too: the caller found the answer unusable). h holds the
// answer's headers (nil: none); detail is the system's own explanation, nil
// for the status text. A status of 0, or a detail that is a cancelled or
// timed-out context, means there was no answer: see Failure.
//
// The message reads "<op>: <Name> answered <status>: <detail>; <hint>".
// The result is an *incident.Error of the rule's kind (or the system's
// Kinds), wrapped in an *incident.RetryAfter when the system asked to wait.
func (s System) Answer(op string, status int, h http.Header, detail error) error {
	if status == 0 || errors.Is(detail, context.Canceled) || errors.Is(detail, context.DeadlineExceeded) {
		if detail == nil {
			detail = errors.New("no answer")
		}
		return s.Failure(op, detail)
	}
	if detail == nil {
		detail = errors.New(http.StatusText(status))
	}
	if h == nil {
		h = http.Header{}
	}
	kind := kindOf(status)
	if k, ok := s.Kinds[status]; ok {
		kind = k
	}
	hint, ok := s.Hints[status]
	if !ok && kind != incident.KindTransient {
		hint = s.Otherwise
	}
	answered := fmt.Sprintf("answered %d", status)
	if status == http.StatusTooManyRequests {
		answered += " (rate limited)"
	}
	msg := fmt.Sprintf("%s: %s %s: %s", op, s.Name, answered, detail)
	if hint != "" {
		msg += "; " + hint
	}
	err := &incident.Error{Kind: kind, Message: msg, Err: &Error{Status: status, Detail: detail}}
	if kind != incident.KindTransient {
		return err
	}
	if hold, ok := s.hold(status, h); ok {
		return &incident.RetryAfter{After: hold, Err: err}
	}
	return err
}

// kindOf is the rule's kind of a status.
func kindOf(status int) incident.Kind {
	switch {
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return incident.KindTransient
	}
	return incident.KindPermanent
}

// hold is how long the answer asks to wait, and whether it asks at all: a
// 429 always does (falling back to the system's hold), a 503 only with a
// Retry-After in the future.
func (s System) hold(status int, h http.Header) (time.Duration, bool) {
	now := s.now()
	switch status {
	case http.StatusTooManyRequests:
		if s.RateLimit != nil {
			if d, ok := s.RateLimit(h, now); ok {
				return d, true
			}
		}
		if d, ok := retryAfter(h, now); ok {
			return d, true
		}
		if s.Hold > 0 {
			return s.Hold, true
		}
		return DefaultHold, true
	case http.StatusServiceUnavailable:
		return retryAfter(h, now)
	}
	return 0, false
}

func (s System) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// retryAfter reads a Retry-After header in either of its forms (RFC 9110
// 10.2.3: delay-seconds, or an HTTP-date), with a small margin for its
// whole seconds. ok is false when it is missing, unreadable, zero or in the
// past: it then says nothing about how long to wait.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 || s > int64(maxSeconds) {
			return 0, false
		}
		return time.Duration(s)*time.Second + margin, true
	}
	t, err := http.ParseTime(v)
	if err != nil || !t.After(now) {
		return 0, false
	}
	return t.Sub(now) + margin, true
}

// maxSeconds keeps a Retry-After's seconds from overflowing a Duration.
const maxSeconds = 1 << 32

// Snippet shortens a body for an error message: trimmed, at most 200 bytes
// of valid UTF-8, "(empty body)" when there is nothing.
func Snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
