package pagerduty

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// throttleWait is how long to hold off after a 429. PagerDuty sends no
// Retry-After; its rate-limit page suggests retrying 30 seconds apart, and
// its limit (~120 events a minute per routing key) is counted over a
// sliding 60 s window, so half of that window frees a good share of it.
const throttleWait = 30 * time.Second

// answer is the body of PagerDuty's answers to /v2/enqueue.
type answer struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key"`
	Errors   []string `json:"errors"`
}

// decodeAnswer turns PagerDuty's answer to one event into nil or an error
// of the kind that tells the caller what to do about it. what names the
// event, e.g. `trigger event for "inc-42"`.
func decodeAnswer(what string, resp *http.Response, body []byte) error {
	status := resp.StatusCode
	if status/100 == 2 {
		return nil
	}
	why := explain(status, body)
	switch {
	case status == http.StatusBadRequest:
		hint := "fix the event; retrying will not help"
		if strings.Contains(strings.ToLower(why), "routing") {
			hint = "check the routing key: it must be the integration key of an Events API v2 integration"
		}
		return incident.Errorf(incident.KindPermanent, "pagerduty refused the %s (400): %s; %s", what, why, hint)
	case status == http.StatusTooManyRequests:
		return &incident.RetryAfter{
			After: retryAfter(resp.Header.Get("Retry-After")),
			Err: incident.Errorf(incident.KindTransient,
				"pagerduty is throttling events for this routing key and dropped the %s (429): %s", what, why),
		}
	case status >= 500 || status == http.StatusRequestTimeout:
		return incident.Errorf(incident.KindTransient, "pagerduty failed the %s (%d), try again: %s", what, status, why)
	default:
		return incident.Errorf(incident.KindPermanent,
			"pagerduty answered %d to the %s (is the URL right?): %s", status, what, why)
	}
}

// explain is PagerDuty's own explanation when the body has one ("Event
// object is invalid: 'payload.severity' is missing or blank"), else the
// start of the body (a proxy's error page, say).
func explain(status int, body []byte) string {
	var a answer
	if json.Unmarshal(body, &a) == nil && (a.Message != "" || len(a.Errors) > 0) {
		switch {
		case len(a.Errors) == 0:
			return a.Message
		case a.Message == "":
			return strings.Join(a.Errors, "; ")
		}
		return a.Message + ": " + strings.Join(a.Errors, "; ")
	}
	return http.StatusText(status) + ": " + snippet(body)
}

// retryAfter honours a Retry-After header, which a proxy in front of
// PagerDuty may send, and falls back to throttleWait.
func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return throttleWait
}

// snippet shortens a body for an error message.
func snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
