package pagerduty

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/warroom/warroom/integrations/internal/httpclass"
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

// system is PagerDuty as the shared classifier knows it.
var system = httpclass.System{Name: "PagerDuty", Hold: throttleWait, Otherwise: "is the URL right?", Hints: map[int]string{
	http.StatusBadRequest:      "fix the event; retrying will not help",
	http.StatusTooManyRequests: "PagerDuty is throttling events for this routing key and dropped this one",
}}

// badRoutingKey is system for a 400 that is about the routing key.
var badRoutingKey = system.WithHint(http.StatusBadRequest,
	"check the routing key: it must be the integration key of an Events API v2 integration")

// decodeAnswer turns PagerDuty's answer to one event into nil or an error
// of the kind that tells the caller what to do about it (httpclass has the
// rule), quoting PagerDuty's own explanation. op names the call, e.g.
// `send the trigger event for "inc-42"`.
func decodeAnswer(op string, resp *http.Response, body []byte) error {
	status := resp.StatusCode
	if status/100 == 2 {
		return nil
	}
	why := explain(status, body)
	sys := system
	if status == http.StatusBadRequest && strings.Contains(strings.ToLower(why), "routing") {
		sys = badRoutingKey
	}
	return sys.Answer(op, status, resp.Header, errors.New(why))
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
	return http.StatusText(status) + ": " + httpclass.Snippet(body)
}
