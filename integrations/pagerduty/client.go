package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// DefaultURL is where PagerDuty takes events. EU accounts use
// https://events.eu.pagerduty.com instead.
const DefaultURL = "https://events.pagerduty.com"

// enqueuePath is the Events API v2 endpoint under the base URL.
const enqueuePath = "/v2/enqueue"

// maxEvent is PagerDuty's limit on the size of one event.
const maxEvent = 512 * 1024

// maxAnswer caps how much of an answer is read; PagerDuty's are tiny.
const maxAnswer = 64 << 10

// Client sends alert events to one PagerDuty integration. It is safe for
// concurrent use.
type Client struct {
	endpoint   string
	routingKey string
	http       *http.Client
}

// New checks cfg and returns a Client; it does not call PagerDuty. Proxies
// and TLS belong to httpClient; nil means a client with a 15 s timeout.
//
// Errors: incident.KindInvalid when the URL is not an http(s) URL or the
// routing key is missing or cannot be an integration key.
func New(cfg Config, httpClient *http.Client) (*Client, error) {
	endpoint, err := endpointURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := checkRoutingKey(cfg.RoutingKey); err != nil {
		return nil, err
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 15 * time.Second}
	}
	return &Client{endpoint: endpoint, routingKey: cfg.RoutingKey, http: httpClient}, nil
}

func endpointURL(base string) (string, error) {
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", incident.Errorf(incident.KindInvalid,
			"pagerduty URL %q is not an http(s) URL such as %s", base, DefaultURL)
	}
	if !strings.HasSuffix(u.Path, enqueuePath) {
		u.Path += enqueuePath
	}
	return u.String(), nil
}

// checkRoutingKey refuses keys PagerDuty would answer with 400 on every
// event, so that the mistake shows at startup rather than at the first page.
func checkRoutingKey(key string) error {
	if key == "" {
		return incident.Errorf(incident.KindInvalid,
			"pagerduty routing key is missing: copy the integration key of an Events API v2 integration on the PagerDuty service")
	}
	// The key is a secret: say what is wrong with it, never what it is.
	const want = "it must be the 32-character integration key of an Events API v2 integration, not a REST API key"
	if len(key) != 32 {
		return incident.Errorf(incident.KindInvalid, "pagerduty routing key is %d characters long: %s", len(key), want)
	}
	if !alphanumeric(key) {
		return incident.Errorf(incident.KindInvalid, "pagerduty routing key holds characters other than letters and digits: %s", want)
	}
	return nil
}

func alphanumeric(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// Trigger opens a PagerDuty alert for ev, which pages whoever is on call.
// ev.DedupKey is required: it is how Acknowledge and Resolve find the alert.
// A summary over 1024 characters is cut to 1023 and an ellipsis.
//
// Trigger is idempotent per dedup key while the alert is open: PagerDuty
// adds a repeated trigger to the open alert (no new page; an acknowledged
// alert stays acknowledged), so a retry after a lost answer is safe. After
// Resolve, a trigger with the same key opens a new alert.
//
// Errors: incident.KindInvalid for an event that fails the checks (nothing
// is sent); otherwise as described in the package documentation.
func (c *Client) Trigger(ctx context.Context, ev Event) error {
	w, err := ev.wire()
	if err != nil {
		return err
	}
	return c.send(ctx, w)
}

// Acknowledge tells PagerDuty someone is working on the alert with
// dedupKey, which stops its escalation. It is idempotent: acknowledging an
// acknowledged alert changes nothing, and PagerDuty accepts (202) and drops
// an acknowledge for a key it has no open alert for, so a success does not
// prove the alert exists.
//
// Errors: incident.KindInvalid for an empty or over-long key (nothing is
// sent); otherwise as described in the package documentation.
func (c *Client) Acknowledge(ctx context.Context, dedupKey string) error {
	return c.followUp(ctx, actionAcknowledge, dedupKey)
}

// Resolve closes the alert with dedupKey. It is idempotent: PagerDuty
// accepts (202) and drops a resolve for a key that is unknown or already
// resolved.
//
// Errors: as for Acknowledge.
func (c *Client) Resolve(ctx context.Context, dedupKey string) error {
	return c.followUp(ctx, actionResolve, dedupKey)
}

func (c *Client) followUp(ctx context.Context, action, dedupKey string) error {
	if err := checkDedupKey(dedupKey); err != nil {
		return incident.Errorf(incident.KindInvalid, "pagerduty %s: %s", action, err)
	}
	return c.send(ctx, wireEvent{EventAction: action, DedupKey: dedupKey})
}

// send posts one event. Acknowledge and resolve need the same routing key
// as the trigger; the client has only one, so they always match.
func (c *Client) send(ctx context.Context, w wireEvent) error {
	if c == nil || c.routingKey == "" {
		return incident.Errorf(incident.KindInvalid, "pagerduty client has no routing key: make it with pagerduty.New")
	}
	w.RoutingKey = c.routingKey
	w.Client = clientName
	body, err := json.Marshal(w)
	if err != nil {
		return incident.Errorf(incident.KindInvalid, "encode pagerduty %s event for %q: %w", w.EventAction, w.DedupKey, err)
	}
	if len(body) > maxEvent {
		return incident.Errorf(incident.KindInvalid,
			"pagerduty %s event for %q is %d KB, over PagerDuty's 512 KB limit: send fewer or shorter details",
			w.EventAction, w.DedupKey, len(body)/1024)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return incident.Errorf(incident.KindInvalid, "pagerduty request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	op := fmt.Sprintf("send the %s event for %q", w.EventAction, w.DedupKey)
	resp, err := c.http.Do(req)
	if err != nil {
		// The URL holds no secret (the routing key travels in the body).
		return system.Failure(op, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil && resp.StatusCode/100 != 2 {
		return incident.Errorf(incident.KindTransient,
			"read pagerduty's answer to the %s event for %q: %w", w.EventAction, w.DedupKey, err)
	}
	return decodeAnswer(op, resp, answer)
}
