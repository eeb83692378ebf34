package mattermost

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/incident"
)

func TestClassify(t *testing.T) {
	resp := func(code int, h map[string]string) *model.Response {
		hdr := http.Header{}
		for k, v := range h {
			hdr.Set(k, v)
		}
		return &model.Response{StatusCode: code, Header: hdr}
	}
	app := func(id string) error { return &model.AppError{Id: id, Message: "msg"} }
	tests := []struct {
		name      string
		resp      *model.Response
		err       error
		kind      incident.Kind
		wait      time.Duration
		wantInMsg string
	}{
		{"rate limited with reset seconds", resp(429, map[string]string{"X-Ratelimit-Reset": "3"}), errors.New("limit exceeded"),
			incident.KindTransient, 3*time.Second + 100*time.Millisecond, "rate limited"},
		{"rate limited without headers", resp(429, nil), errors.New("limit exceeded"), incident.KindTransient, time.Second, "rate limited"},
		{"server error", resp(502, nil), app("x"), incident.KindTransient, 0, "502"},
		{"unreachable", nil, errors.New("connection refused"), incident.KindTransient, 0, "unreachable"},
		{"bad token", resp(401, nil), app("api.context.session_expired.app_error"), incident.KindPermanent, 0, "chat.mattermost.token"},
		{"no permission", resp(403, nil), app("api.context.permissions.app_error"), incident.KindPermanent, 0, "lacks the permission"},
		{"missing", resp(404, nil), app("app.channel.get.existing.app_error"), incident.KindPermanent, 0, "does not exist"},
		// The shared rule, where Mattermost's copy had drifted from the others.
		{"rate limited with Retry-After only", resp(429, map[string]string{"Retry-After": "5"}), errors.New("limit exceeded"),
			incident.KindTransient, 5*time.Second + 100*time.Millisecond, "rate limited"},
		{"unavailable with Retry-After holds", resp(503, map[string]string{"Retry-After": "30"}), app("x"),
			incident.KindTransient, 30*time.Second + 100*time.Millisecond, "503"},
		{"request timeout retries", resp(408, nil), errors.New("timeout"), incident.KindTransient, 0, "408"},
		{"cancelled", resp(0, nil), context.Canceled, incident.KindTransient, 0, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify("post in inc-1", tt.resp, tt.err)
			if incident.ErrorKind(err) != tt.kind {
				t.Errorf("kind %s, want %s (%v)", incident.ErrorKind(err), tt.kind, err)
			}
			var ra *incident.RetryAfter
			if errors.As(err, &ra) != (tt.wait > 0) || (ra != nil && ra.After != tt.wait) {
				t.Errorf("retry after %v, want %v", ra, tt.wait)
			}
			if !strings.Contains(err.Error(), tt.wantInMsg) || !strings.Contains(err.Error(), "post in inc-1") {
				t.Errorf("message %q does not name the operation and %q", err, tt.wantInMsg)
			}
			if app, ok := tt.err.(*model.AppError); ok && errorID(err) != app.Id {
				t.Errorf("error id %q, want %q", errorID(err), app.Id)
			}
		})
	}
}
