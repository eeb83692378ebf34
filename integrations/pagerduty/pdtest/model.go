package pdtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
)

// Status is the state of an alert in PagerDuty.
type Status string

// The states an alert goes through.
const (
	StatusTriggered    Status = "triggered"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
)

// Link is a link attached to a trigger event.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// Image is an image attached to a trigger event.
type Image struct {
	Src  string `json:"src"`
	Href string `json:"href,omitempty"`
	Alt  string `json:"alt,omitempty"`
}

// IncidentView is a snapshot of one alert (what a responder sees as the
// incident) for assertions. It shares nothing with the server.
type IncidentView struct {
	RoutingKey string
	DedupKey   string
	Status     Status
	// Events are the event actions applied to this alert, in order:
	// "trigger", "acknowledge", "resolve". Dropped events are not here.
	Events []string
	// The payload of the first trigger, which names the alert; Severity
	// follows the latest trigger, as PagerDuty updates an alert's severity.
	Summary   string // as PagerDuty keeps it: at most 1024 characters
	Source    string
	Severity  string
	Timestamp string // as sent
	Component string
	Group     string
	Class     string
	Details   map[string]any // custom_details
	Links     []Link
	Images    []Image
	Client    string
	ClientURL string
}

// alertID is what PagerDuty matches follow-up events on: the same dedup_key
// sent with the same routing_key.
type alertID struct{ routingKey, dedupKey string }

type alert struct{ view IncidentView }

// Incident returns the alert most recently opened with dedupKey, whatever its
// routing key, and whether there is one.
func (s *Server) Incident(dedupKey string) (IncidentView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range slices.Backward(s.alerts) {
		if a.view.DedupKey == dedupKey {
			return a.view.clone(), true
		}
	}
	return IncidentView{}, false
}

// Incidents returns every alert opened so far, in the order they were
// opened; a trigger after resolve with the same dedup_key shows up twice.
func (s *Server) Incidents() []IncidentView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IncidentView, len(s.alerts))
	for i, a := range s.alerts {
		out[i] = a.view.clone()
	}
	return out
}

func (v IncidentView) clone() IncidentView {
	v.Events = slices.Clone(v.Events)
	v.Details = maps.Clone(v.Details)
	v.Links = slices.Clone(v.Links)
	v.Images = slices.Clone(v.Images)
	return v
}

// enqueue validates and applies one event, filling in req.Status and
// req.Dropped. Called with s.mu held.
func (s *Server) enqueue(w http.ResponseWriter, req *Request) {
	ev, errs := decode(req.Body)
	if len(errs) == 0 && !s.keys[ev.RoutingKey] {
		errs = []string{errUnknownKey}
	}
	if len(errs) > 0 {
		req.Status = http.StatusBadRequest
		writeJSON(w, req.Status, invalid(errs...))
		return
	}
	id := alertID{ev.RoutingKey, ev.DedupKey}
	a := s.open[id]
	switch ev.EventAction {
	case actionTrigger:
		if id.dedupKey == "" {
			id.dedupKey = newDedupKey()
		}
		if a == nil {
			a = newAlert(id, ev)
			s.alerts = append(s.alerts, a)
			s.open[id] = a
		} else {
			a.view.Severity = ev.Payload.Severity
		}
		a.view.Events = append(a.view.Events, actionTrigger)
	case actionAck:
		if a == nil {
			req.Dropped = true
			break
		}
		a.view.Status = StatusAcknowledged
		a.view.Events = append(a.view.Events, actionAck)
	case actionResolve:
		if a == nil {
			req.Dropped = true
			break
		}
		a.view.Status = StatusResolved
		a.view.Events = append(a.view.Events, actionResolve)
		delete(s.open, id)
	}
	req.Status = http.StatusAccepted
	writeJSON(w, req.Status, answer{Status: "success", Message: "Event processed", DedupKey: id.dedupKey})
}

func newAlert(id alertID, ev wireEvent) *alert {
	p := ev.Payload
	var details map[string]any
	if len(p.CustomDetails) > 0 {
		json.Unmarshal(p.CustomDetails, &details) // checked in decode
	}
	return &alert{view: IncidentView{
		RoutingKey: id.routingKey,
		DedupKey:   id.dedupKey,
		Status:     StatusTriggered,
		Summary:    truncate(p.Summary, maxSummary),
		Source:     p.Source,
		Severity:   p.Severity,
		Timestamp:  p.Timestamp,
		Component:  p.Component,
		Group:      p.Group,
		Class:      p.Class,
		Details:    details,
		Links:      ev.Links,
		Images:     ev.Images,
		Client:     ev.Client,
		ClientURL:  ev.ClientURL,
	}}
}

// newDedupKey makes a key for a trigger sent without one; PagerDuty uses a
// random UUID's 32 hex digits.
func newDedupKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
