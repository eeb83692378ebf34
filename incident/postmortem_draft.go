package incident

import (
	"sort"
	"strings"
	"time"
)

// PostmortemData is what the postmortem template sees: everything warroom
// knows of a closed incident, arranged for the write-up. DraftPostmortem
// makes it.
type PostmortemData struct {
	Incident  *Incident
	URL       string    // the postmortem's page in warroom
	DraftedAt time.Time // when warroom wrote the draft
	// InitialSeverity is the severity the incident opened with, when it
	// changed since; 0 otherwise.
	InitialSeverity Severity
	// The impact window: from the first alert firing (or the declaration)
	// to the resolve (or the last alert resolved, or the close).
	ImpactStart    time.Time
	ImpactEnd      *time.Time
	ImpactDuration *time.Duration
	TimeToAck      *time.Duration // from opened to the first ack
	TimeToResolve  *time.Duration // from opened to resolved
	// SeverityChanges are the severity_changed events, oldest first.
	SeverityChanges []PostmortemEntry
	// Timeline is the key events, oldest first: declaration, pins, status
	// updates, acks, resolves, closes, severity changes and pages.
	Timeline     []PostmortemEntry
	Participants []Participant
	Graphs       []PostmortemGraph
}

// PostmortemEntry is one event of the postmortem's timeline.
type PostmortemEntry struct {
	At    time.Time
	Label string // Declared, Acknowledged, Pinned, Paged ...
	Actor string // "" for warroom and the alert's source
	Text  string
}

// Participant is a person who took part, with the roles they held.
type Participant struct {
	Name     string
	Roles    []string // commander, a role of Incident.Roles, acked, paged
	Messages int      // messages written in the channel
}

// PostmortemGraph is a graph posted in the channel, as the transcript
// kept it.
type PostmortemGraph struct {
	Name   string
	URL    string // its copy in warroom's archive; "" when not copied
	Author string
	At     time.Time
}

// PostmortemFacts is what the transcript adds to the timeline: who wrote
// how much (most active first) and the graphs posted.
type PostmortemFacts struct {
	Messages map[string]int
	Graphs   []PostmortemGraph
}

// DraftPostmortem arranges what warroom knows of an incident for its
// postmortem's template.
func DraftPostmortem(inc *Incident, events []Event, facts PostmortemFacts, url string, now time.Time) PostmortemData {
	d := PostmortemData{Incident: inc, URL: url, DraftedAt: now, ImpactStart: inc.CreatedAt, Graphs: facts.Graphs}
	var firstAck, lastAlertResolved *time.Time
	for _, ev := range events {
		at := ev.At
		switch ev.Kind {
		case EventAlertFiring:
			if at.Before(d.ImpactStart) {
				d.ImpactStart = at
			}
		case EventAlertResolved:
			lastAlertResolved = &at
		case EventStatusChanged:
			if ev.To == StatusAcked && firstAck == nil {
				firstAck = &at
			}
		case EventSeverityChanged:
			if d.InitialSeverity == 0 {
				if from, _, ok := strings.Cut(ev.Text, " → "); ok {
					d.InitialSeverity, _ = ParseSeverity(from)
				}
			}
			d.SeverityChanges = append(d.SeverityChanges, entryOf(inc, ev))
		}
		if keyEvents[ev.Kind] {
			d.Timeline = append(d.Timeline, entryOf(inc, ev))
		}
	}
	if d.InitialSeverity == inc.Severity {
		d.InitialSeverity = 0
	}
	if firstAck == nil {
		firstAck = inc.AckedAt
	}
	d.ImpactEnd = firstOf(inc.ResolvedAt, lastAlertResolved, inc.ClosedAt)
	d.ImpactDuration = pmElapsed(d.ImpactStart, d.ImpactEnd)
	d.TimeToAck = pmElapsed(inc.CreatedAt, firstAck)
	d.TimeToResolve = pmElapsed(inc.CreatedAt, inc.ResolvedAt)
	sort.SliceStable(d.Timeline, func(i, j int) bool { return d.Timeline[i].At.Before(d.Timeline[j].At) })
	d.Participants = participants(inc, events, facts.Messages)
	return d
}

// keyEvents are the kinds the postmortem's timeline keeps.
var keyEvents = map[EventKind]bool{
	EventDeclared: true, EventStatusChanged: true, EventSeverityChanged: true, EventStatusUpdate: true,
	EventPinned: true, EventPaged: true, EventNote: true,
}

// statusLabels name a status change by where it went.
var statusLabels = map[Status]string{
	StatusAcked: "Acknowledged", StatusResolved: "Resolved", StatusClosed: "Closed", StatusArchived: "Archived", StatusOpen: "Reopened",
}

var kindLabels = map[EventKind]string{
	EventDeclared: "Declared", EventSeverityChanged: "Severity changed", EventStatusUpdate: "Status update",
	EventPinned: "Pinned", EventPaged: "Paged", EventNote: "Note",
}

func entryOf(inc *Incident, ev Event) PostmortemEntry {
	e := PostmortemEntry{At: ev.At, Label: kindLabels[ev.Kind], Actor: personOf(inc, ev), Text: ev.Text}
	if ev.Kind == EventStatusChanged {
		e.Label = statusLabels[ev.To]
		if e.Label == "" {
			e.Label = "Status changed"
		}
	}
	return e
}

// personOf is the event's actor when a person, "" for warroom and sources.
func personOf(inc *Incident, ev Event) string {
	if ev.Actor == "" || ev.Actor == "warroom" || ev.Actor == inc.Source || ev.Kind == EventPaged || ev.Kind == EventEscalation {
		return ""
	}
	return ev.Actor
}

// participants lists the commander first, then the holders of roles, then
// everyone else who acted on the timeline, was paged or wrote in the
// channel, most messages first.
func participants(inc *Incident, events []Event, messages map[string]int) []Participant {
	byName := map[string]*Participant{}
	var order []string
	add := func(name, role string) {
		name = strings.TrimPrefix(strings.TrimSpace(name), "@")
		if name == "" {
			return
		}
		p := byName[name]
		if p == nil {
			p = &Participant{Name: name, Messages: messages[name]}
			byName[name] = p
			order = append(order, name)
		}
		if role != "" && !contains(p.Roles, role) {
			p.Roles = append(p.Roles, role)
		}
	}
	add(inc.Commander, "commander")
	roles := make([]string, 0, len(inc.Roles))
	for r := range inc.Roles {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		add(inc.Roles[r], r)
	}
	lead := len(order)
	for _, ev := range events {
		switch {
		case ev.Kind == EventPaged:
			who, _, _ := strings.Cut(ev.Text, " ")
			add(who, "paged")
		case ev.Kind == EventStatusChanged && ev.To == StatusAcked:
			add(personOf(inc, ev), "acked")
		default:
			add(personOf(inc, ev), "")
		}
	}
	for name := range messages {
		add(name, "")
	}
	rest := order[lead:]
	sort.SliceStable(rest, func(i, j int) bool {
		if a, b := byName[rest[i]].Messages, byName[rest[j]].Messages; a != b {
			return a > b
		}
		return rest[i] < rest[j]
	})
	out := make([]Participant, len(order))
	for i, name := range order {
		out[i] = *byName[name]
	}
	return out
}

func firstOf(ts ...*time.Time) *time.Time {
	for _, t := range ts {
		if t != nil {
			return t
		}
	}
	return nil
}

// pmElapsed is the duration from from to *to in whole seconds, as
// DurationsOf counts them (seconds: never negative); nil while to is. The
// postmortem measures to the first ack on the timeline, where DurationsOf
// measures to the incident's current one (a reopen clears it): the review
// asks how long the first response took.
func pmElapsed(from time.Time, to *time.Time) *time.Duration {
	if to == nil {
		return nil
	}
	d := time.Duration(seconds(to.Sub(from))) * time.Second
	return &d
}
