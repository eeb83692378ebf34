package rocketchat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// apiError is Rocket.Chat's error envelope, kept so callers can branch on
// the stable errorType.
type apiError struct {
	Op        string
	Status    int
	ErrorType string
	Message   string
}

func (e *apiError) Error() string {
	if e.ErrorType != "" {
		return fmt.Sprintf("%s: Rocket.Chat answered %d %s (%s)", e.Op, e.Status, e.Message, e.ErrorType)
	}
	return fmt.Sprintf("%s: Rocket.Chat answered %d %s", e.Op, e.Status, e.Message)
}

// errorType is the errorType of a failed call, or "".
func errorType(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.ErrorType
	}
	return ""
}

// status is the HTTP status of a failed call, or 0.
func status(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// call sends a JSON request (GET: query) with both auth headers and decodes
// the answer into out.
func (b *Backend) call(ctx context.Context, op, method, path string, query url.Values, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s: encode: %w", op, err)
		}
		rd = bytes.NewReader(raw)
	}
	u := b.cfg.URL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return b.send(op, req, out)
}

// send adds the auth headers, sends, and classifies the answer.
func (b *Backend) send(op string, req *http.Request, out any) error {
	req.Header.Set("X-User-Id", b.cfg.UserID)
	req.Header.Set("X-Auth-Token", b.cfg.Token)
	req.Header.Set("Accept", "application/json")
	resp, err := b.http.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return incident.Errorf(incident.KindTransient, "%s: %w", op, err)
		}
		return incident.Errorf(incident.KindTransient, "%s: Rocket.Chat is unreachable: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return incident.Errorf(incident.KindTransient, "%s: read answer: %w", op, err)
	}
	if resp.StatusCode/100 == 2 {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return incident.Errorf(incident.KindTransient, "%s: answer is not the expected JSON: %w", op, err)
			}
		}
		return nil
	}
	return classify(op, resp, raw)
}

// classify turns a failed answer into a domain error: 429 waits until the
// X-RateLimit-Reset epoch (milliseconds), 5xx retries, 401/403 and 400s
// are permanent with Rocket.Chat's own words.
func classify(op string, resp *http.Response, raw []byte) error {
	var env struct {
		Error     string `json:"error"`
		ErrorType string `json:"errorType"`
		Message   string `json:"message"`
	}
	ae := &apiError{Op: op, Status: resp.StatusCode}
	if json.Unmarshal(raw, &env) == nil {
		ae.ErrorType, ae.Message = env.ErrorType, env.Error
		if ae.Message == "" {
			ae.Message = env.Message
		}
	}
	if ae.Message == "" {
		ae.Message = strings.TrimSpace(string(raw))
		if len(ae.Message) > 200 {
			ae.Message = ae.Message[:200] + "…"
		}
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &incident.RetryAfter{After: resetIn(resp.Header, time.Now()), Err: incident.Errorf(incident.KindTransient, "%w", ae)}
	case resp.StatusCode >= 500:
		return incident.Errorf(incident.KindTransient, "%w", ae)
	case resp.StatusCode == http.StatusUnauthorized:
		return incident.Errorf(incident.KindPermanent, "%w; check chat.rocketchat.user_id and chat.rocketchat.token (a personal access token of that user)", ae)
	case resp.StatusCode == http.StatusForbidden:
		return incident.Errorf(incident.KindPermanent, "%w; the bot user lacks the permission: give it the bot role", ae)
	case resp.StatusCode == http.StatusNotFound:
		return incident.Errorf(incident.KindPermanent, "%w; this server does not have that API", ae)
	}
	return incident.Errorf(incident.KindPermanent, "%w", ae)
}

// resetIn reads X-RateLimit-Reset, an absolute epoch in milliseconds.
func resetIn(h http.Header, now time.Time) time.Duration {
	ms, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		return 5 * time.Second
	}
	d := time.UnixMilli(ms).Sub(now) + 100*time.Millisecond
	if d < 100*time.Millisecond {
		d = 100 * time.Millisecond
	}
	return min(d, 2*time.Minute)
}
