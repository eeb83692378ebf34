package pagerduty

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/warroom/warroom/incident"
)

// The severities PagerDuty knows, from worst to least.
const (
	SeverityCritical = "critical"
	SeverityError    = "error"
	SeverityWarning  = "warning"
	SeverityInfo     = "info"
)

var severities = []string{SeverityCritical, SeverityError, SeverityWarning, SeverityInfo}

// Limits PagerDuty documents, in characters.
const (
	maxSummary  = 1024
	maxDedupKey = 255
)

// clientName is sent as the event's "client", which PagerDuty shows as the
// monitoring tool the alert came from.
const clientName = "warroom"

// The event actions of the Events API v2.
const (
	actionTrigger     = "trigger"
	actionAcknowledge = "acknowledge"
	actionResolve     = "resolve"
)

// Event is what Trigger sends: PagerDuty's Common Event Format.
type Event struct {
	// DedupKey identifies the alert for later events; use the incident's
	// own key. Required, at most 255 characters.
	DedupKey string
	// Summary is the alert's title in PagerDuty and in the page. Required;
	// over 1024 characters it is cut with an ellipsis.
	Summary string
	// Source is the affected system, preferably a host name. Required.
	Source string
	// Severity is one of SeverityCritical, SeverityError, SeverityWarning
	// and SeverityInfo; upper case is accepted.
	Severity string
	// Timestamp is when the problem was detected; zero means now (PagerDuty
	// fills it in).
	Timestamp time.Time
	// Component, Group and Class are optional: the broken part of Source
	// ("mysql"), a group of sources ("prod-datapipe"), the kind of problem
	// ("latency").
	Component string
	Group     string
	Class     string
	// Details are shown with the alert (custom_details).
	Details map[string]string
	// Links are attached to the alert, e.g. the incident channel.
	Links []Link
}

// Link is a link attached to an alert. Href is required.
type Link struct {
	Href string
	Text string
}

// wireEvent is an Events API v2 event on the wire.
type wireEvent struct {
	RoutingKey  string       `json:"routing_key"`
	EventAction string       `json:"event_action"`
	DedupKey    string       `json:"dedup_key,omitempty"`
	Payload     *wirePayload `json:"payload,omitempty"`
	Links       []wireLink   `json:"links,omitempty"`
	Client      string       `json:"client,omitempty"`
}

type wirePayload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	Class         string            `json:"class,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

type wireLink struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// wire checks ev and turns it into a trigger event. All problems are
// reported at once, so that one round of fixing is enough.
func (ev Event) wire() (wireEvent, error) {
	var problems []string
	if err := checkDedupKey(ev.DedupKey); err != nil {
		problems = append(problems, err.Error())
	}
	if strings.TrimSpace(ev.Summary) == "" {
		problems = append(problems, "summary is empty")
	}
	if strings.TrimSpace(ev.Source) == "" {
		problems = append(problems, "source is empty (name the affected system, e.g. its host)")
	}
	severity := strings.ToLower(strings.TrimSpace(ev.Severity))
	if !slices.Contains(severities, severity) {
		problems = append(problems, fmt.Sprintf("severity %q is not one of %s", ev.Severity, strings.Join(severities, ", ")))
	}
	var links []wireLink
	for i, l := range ev.Links {
		if strings.TrimSpace(l.Href) == "" {
			problems = append(problems, fmt.Sprintf("link %d (%q) has no href", i+1, l.Text))
		}
		links = append(links, wireLink(l))
	}
	if len(problems) > 0 {
		return wireEvent{}, invalidEvent(ev.DedupKey, problems)
	}
	p := &wirePayload{
		Summary:       truncate(ev.Summary, maxSummary),
		Source:        ev.Source,
		Severity:      severity,
		Component:     ev.Component,
		Group:         ev.Group,
		Class:         ev.Class,
		CustomDetails: maps.Clone(ev.Details),
	}
	if !ev.Timestamp.IsZero() {
		p.Timestamp = ev.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	return wireEvent{EventAction: actionTrigger, DedupKey: ev.DedupKey, Payload: p, Links: links}, nil
}

func invalidEvent(dedupKey string, problems []string) error {
	return incident.Errorf(incident.KindInvalid, "pagerduty trigger event for %q is invalid: %s",
		dedupKey, strings.Join(problems, "; "))
}

// checkDedupKey requires a key: without one PagerDuty would make one up,
// and warroom could never acknowledge or resolve that alert.
func checkDedupKey(key string) error {
	switch n := utf8.RuneCountInString(key); {
	case strings.TrimSpace(key) == "":
		return errors.New("dedup key is empty")
	case n > maxDedupKey:
		return fmt.Errorf("dedup key is %d characters, PagerDuty takes at most %d", n, maxDedupKey)
	}
	return nil
}

// truncate cuts s to at most n characters, the last being an ellipsis, and
// never inside a UTF-8 sequence.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
}
