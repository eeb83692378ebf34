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
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// apiError is Rocket.Chat's own explanation of a refusal, its error
// envelope, kept (under the shared classifier's error) so that callers can
// branch on the stable errorType.
type apiError struct {
	ErrorType string
	Message   string
}

func (e *apiError) Error() string {
	if e.ErrorType != "" {
		return fmt.Sprintf("%s (%s)", e.Message, e.ErrorType)
	}
	return e.Message
}

// system is Rocket.Chat as the shared classifier knows it.
var system = httpclass.System{Name: "Rocket.Chat", Hold: 5 * time.Second, RateLimit: resetIn, Hints: map[int]string{
	http.StatusUnauthorized: "check chat.rocketchat.user_id and chat.rocketchat.token (a personal access token of that user)",
	http.StatusForbidden:    "the bot user lacks the permission: give it the bot role",
	http.StatusNotFound:     "this server does not have that API",
}}

// errorType is the errorType of a failed call, or "".
func errorType(err error) string {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.ErrorType
	}
	return ""
}

// status is the HTTP status of a failed call, or 0.
func status(err error) int { return httpclass.Status(err) }

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
		return system.Failure(op, err)
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

// classify turns a failed answer into a domain error (httpclass has the
// rule) with Rocket.Chat's own words and errorType.
func classify(op string, resp *http.Response, raw []byte) error {
	var env struct {
		Error     string `json:"error"`
		ErrorType string `json:"errorType"`
		Message   string `json:"message"`
	}
	ae := &apiError{}
	if json.Unmarshal(raw, &env) == nil {
		ae.ErrorType, ae.Message = env.ErrorType, env.Error
		if ae.Message == "" {
			ae.Message = env.Message
		}
	}
	if ae.Message == "" {
		ae.Message = httpclass.Snippet(raw)
	}
	return system.Answer(op, resp.StatusCode, resp.Header, ae)
}

// resetIn reads X-RateLimit-Reset, an absolute epoch in milliseconds, as
// a hold of at least 100 ms and at most 2 minutes.
func resetIn(h http.Header, now time.Time) (time.Duration, bool) {
	ms, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		return 0, false
	}
	d := time.UnixMilli(ms).Sub(now) + 100*time.Millisecond
	if d < 100*time.Millisecond {
		d = 100 * time.Millisecond
	}
	return min(d, 2*time.Minute), true
}
