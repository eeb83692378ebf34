package mattermost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/incident"
)

// apiError is what Mattermost answered, kept so callers can branch on the
// status and the stable error id.
type apiError struct {
	Op      string
	Status  int
	ID      string
	Message string
}

func (e *apiError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("%s: Mattermost answered %d %s (%s)", e.Op, e.Status, e.Message, e.ID)
	}
	return fmt.Sprintf("%s: Mattermost answered %d %s", e.Op, e.Status, e.Message)
}

// classify turns a Client4 failure into a domain error: 429 waits as the
// server says, 5xx and network errors retry, 401/403/404 are permanent with
// a message that names what is missing.
func classify(op string, resp *model.Response, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return incident.Errorf(incident.KindTransient, "%s: %w", op, err)
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	ae := &apiError{Op: op, Status: status, Message: err.Error()}
	var app *model.AppError
	if errors.As(err, &app) {
		ae.ID, ae.Message = app.Id, app.Message
	}
	switch {
	case status == 0:
		return incident.Errorf(incident.KindTransient, "%s: Mattermost is unreachable: %w", op, err)
	case status == http.StatusTooManyRequests:
		return &incident.RetryAfter{After: retryAfter(resp), Err: incident.Errorf(incident.KindTransient, "%s: rate limited: %w", op, ae)}
	case status >= 500:
		return incident.Errorf(incident.KindTransient, "%w", ae)
	case status == http.StatusUnauthorized:
		return incident.Errorf(incident.KindPermanent, "%w; check chat.mattermost.token (a bot access token)", ae)
	case status == http.StatusForbidden:
		return incident.Errorf(incident.KindPermanent, "%w; the bot lacks the permission: check its roles and its team and channel memberships", ae)
	case status == http.StatusNotFound:
		return incident.Errorf(incident.KindPermanent, "%w; it does not exist or the bot cannot see it", ae)
	}
	return incident.Errorf(incident.KindPermanent, "%w", ae)
}

// retryAfter reads how long Mattermost wants us to wait: X-RateLimit-Reset
// is seconds until the bucket refills (not an epoch), Retry-After seconds.
func retryAfter(resp *model.Response) time.Duration {
	for _, h := range []string{"X-RateLimit-Reset", "Retry-After"} {
		if v, err := strconv.Atoi(resp.Header.Get(h)); err == nil && v >= 0 {
			return time.Duration(v)*time.Second + 100*time.Millisecond
		}
	}
	return time.Second
}

// statusOf is the HTTP status of a failed call, or 0.
func statusOf(err error, resp *model.Response) int {
	if err == nil || resp == nil {
		return 0
	}
	return resp.StatusCode
}

// errorID is Mattermost's stable error id of a failed call, or "".
func errorID(err error) string {
	var app *model.AppError
	if errors.As(err, &app) {
		return app.Id
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.ID
	}
	return ""
}

func permanent(format string, args ...any) error {
	return incident.Errorf(incident.KindPermanent, format, args...)
}
