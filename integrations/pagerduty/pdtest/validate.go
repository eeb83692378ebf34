package pdtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// wireEvent is an Events API v2 event as it arrives.
type wireEvent struct {
	RoutingKey  string       `json:"routing_key"`
	EventAction string       `json:"event_action"`
	DedupKey    string       `json:"dedup_key"`
	Payload     *wirePayload `json:"payload"`
	Links       []Link       `json:"links"`
	Images      []Image      `json:"images"`
	Client      string       `json:"client"`
	ClientURL   string       `json:"client_url"`
}

type wirePayload struct {
	Summary       string          `json:"summary"`
	Source        string          `json:"source"`
	Severity      string          `json:"severity"`
	Timestamp     string          `json:"timestamp"`
	Component     string          `json:"component"`
	Group         string          `json:"group"`
	Class         string          `json:"class"`
	CustomDetails json.RawMessage `json:"custom_details"`
}

// Limits PagerDuty documents.
const (
	routingKeyLen  = 32
	maxDedupKey    = 255
	maxSummary     = 1024
	actionTrigger  = "trigger"
	actionAck      = "acknowledge"
	actionResolve  = "resolve"
	errTooLarge    = "Event object is too large (the limit is 512 KB)"
	errUnknownKey  = "Invalid routing key"
	errNotJSON     = "Could not parse the request body as a JSON object"
	errMissingTmpl = "'%s' is missing or blank"
)

var severities = map[string]bool{"critical": true, "error": true, "warning": true, "info": true}

// decode parses and validates an event the way PagerDuty does, returning
// every problem found. The texts of the routing-key errors are PagerDuty's
// own; "is missing or blank" follows its documented example; the others
// are written in the same style.
func decode(body []byte) (wireEvent, []string) {
	var ev wireEvent
	if len(body) > maxEvent {
		return ev, []string{errTooLarge}
	}
	var errs []string
	if err := json.Unmarshal(body, &ev); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field == "" {
			return ev, []string{errNotJSON}
		}
		// Decoding goes on past a wrong type; report it with the rest.
		errs = append(errs, fmt.Sprintf("'%s' has the wrong JSON type (%s)", te.Field, te.Value))
	}
	missing := func(field, v string) bool {
		if strings.TrimSpace(v) == "" {
			errs = append(errs, fmt.Sprintf(errMissingTmpl, field))
			return true
		}
		return false
	}

	if !missing("routing_key", ev.RoutingKey) {
		if len(ev.RoutingKey) != routingKeyLen {
			errs = append(errs, "Length of 'routing_key' is incorrect (should be 32 characters)")
		}
		if !alphanumeric(ev.RoutingKey) {
			errs = append(errs, "'routing_key' cannot contain non-alphanumeric characters.")
		}
	}
	if !missing("event_action", ev.EventAction) {
		switch ev.EventAction {
		case actionTrigger, actionAck, actionResolve:
		default:
			errs = append(errs, "'event_action' must be one of trigger, acknowledge or resolve")
		}
	}
	if ev.EventAction == actionAck || ev.EventAction == actionResolve {
		missing("dedup_key", ev.DedupKey)
	}
	if utf8.RuneCountInString(ev.DedupKey) > maxDedupKey {
		errs = append(errs, "'dedup_key' must be at most 255 characters long")
	}
	if ev.EventAction == actionTrigger {
		errs = append(errs, checkTrigger(ev)...)
	}
	return ev, errs
}

// checkTrigger checks what only a trigger needs: the payload and its
// context. Acknowledge and resolve may carry them too; PagerDuty ignores
// them there.
func checkTrigger(ev wireEvent) []string {
	var errs []string
	if ev.Payload == nil {
		return []string{fmt.Sprintf(errMissingTmpl, "payload")}
	}
	p := ev.Payload
	for _, f := range []struct{ name, v string }{
		{"payload.summary", p.Summary}, {"payload.source", p.Source}, {"payload.severity", p.Severity},
	} {
		if strings.TrimSpace(f.v) == "" {
			errs = append(errs, fmt.Sprintf(errMissingTmpl, f.name))
		}
	}
	if p.Severity != "" && !severities[p.Severity] {
		errs = append(errs, "'payload.severity' must be one of critical, error, warning or info")
	}
	if p.Timestamp != "" && !validTimestamp(p.Timestamp) {
		errs = append(errs, "'payload.timestamp' is not a valid ISO 8601 timestamp")
	}
	if len(p.CustomDetails) > 0 && !isObjectOrNull(p.CustomDetails) {
		errs = append(errs, "'payload.custom_details' must be a JSON object")
	}
	for i, l := range ev.Links {
		if strings.TrimSpace(l.Href) == "" {
			errs = append(errs, fmt.Sprintf(errMissingTmpl, fmt.Sprintf("links[%d].href", i)))
		}
	}
	for i, im := range ev.Images {
		if !strings.HasPrefix(im.Src, "https://") {
			errs = append(errs, fmt.Sprintf("'images[%d].src' must be an HTTPS URL", i))
		}
	}
	return errs
}

func alphanumeric(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// validTimestamp accepts RFC 3339 and the ISO 8601 form of PagerDuty's own
// example, "2015-07-17T08:42:58.315+0000".
func validTimestamp(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

func isObjectOrNull(raw json.RawMessage) bool {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	if v == nil {
		return true
	}
	_, ok := v.(map[string]any)
	return ok
}

// truncate cuts s to n characters, as PagerDuty does with a long summary.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}
