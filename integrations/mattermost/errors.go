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
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// apiError is Mattermost's own explanation of a refusal, kept (under the
// shared classifier's error) so that callers can branch on the stable id.
type apiError struct {
	ID      string
	Message string
}

func (e *apiError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("%s (%s)", e.Message, e.ID)
	}
	return e.Message
}

// system is Mattermost as the shared classifier knows it.
var system = httpclass.System{Name: "Mattermost", Hold: time.Second, RateLimit: rateLimitReset, Hints: map[int]string{
	http.StatusUnauthorized: "check chat.mattermost.token (a bot access token)",
	http.StatusForbidden:    "the bot lacks the permission: check its roles and its team and channel memberships",
	http.StatusNotFound:     "it does not exist or the bot cannot see it",
}}

// classify turns a Client4 failure into a domain error (httpclass has the
// rule), keeping Mattermost's error id.
func classify(op string, resp *model.Response, err error) error {
	if err == nil {
		return nil
	}
	if resp == nil || resp.StatusCode == 0 || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return system.Failure(op, err)
	}
	ae := &apiError{Message: err.Error()}
	var app *model.AppError
	if errors.As(err, &app) {
		ae.ID, ae.Message = app.Id, app.Message
	}
	return system.Answer(op, resp.StatusCode, resp.Header, ae)
}

// rateLimitReset reads Mattermost's X-RateLimit-Reset: seconds until the
// bucket refills (not an epoch).
func rateLimitReset(h http.Header, _ time.Time) (time.Duration, bool) {
	v, err := strconv.Atoi(h.Get("X-RateLimit-Reset"))
	if err != nil || v < 0 {
		return 0, false
	}
	return time.Duration(v)*time.Second + 100*time.Millisecond, true
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
