package web

import (
	"regexp"
	"strings"

	"github.com/warroom/warroom/incident"
)

// eventView is a timeline event as the incident page shows it: a label in
// words, who did it apart from what, and whether a person or warroom and
// its sources did it (the page's people/system filter).
type eventView struct {
	incident.Event
	Label  string
	Detail string
	System bool
}

// eventLabels name the kinds in words; a kind not listed (a newer one) is
// shown with its code's words.
var eventLabels = map[incident.EventKind]string{
	incident.EventDeclared:         "Declared",
	incident.EventAlertFiring:      "Alert firing",
	incident.EventAlertResolved:    "Alert resolved",
	incident.EventStatusChanged:    "Status changed",
	incident.EventSeverityChanged:  "Severity changed",
	incident.EventStatusUpdate:     "Status update",
	incident.EventNote:             "Note",
	incident.EventPinned:           "Pinned message",
	incident.EventChannelOpened:    "Channel opened",
	incident.EventChannelDeleted:   "Channel deleted",
	incident.EventTicketOpened:     "Ticket opened",
	incident.EventTranscriptBuilt:  "Transcript built",
	incident.EventArchived:         "Archive verified",
	incident.EventIncomplete:       "Archive incomplete",
	incident.EventError:            "Side effect failed",
	incident.EventPaged:            "Paged",
	incident.EventEscalation:       "Escalation",
	incident.EventCommanderChanged: "Commander changed",
	incident.EventRoleChanged:      "Role changed",
	incident.EventTitleChanged:     "Title changed",
	incident.EventStatusReminder:   "Status reminder",
	incident.EventPostmortem:       "Postmortem",
	incident.EventFollowup:         "Follow-up",
	incident.EventFollowupTicket:   "Follow-up ticket",
	incident.EventFollowupState:    "Follow-up state",
}

// statusMoveLabels name a status change by where it went.
var statusMoveLabels = map[incident.Status]string{
	incident.StatusAcked:    "Acknowledged",
	incident.StatusResolved: "Resolved",
	incident.StatusClosed:   "Closed",
	incident.StatusArchived: "Archived",
	incident.StatusOpen:     "Reopened",
}

// systemKinds are recorded by warroom or a source, never by a person.
var systemKinds = map[incident.EventKind]bool{
	incident.EventAlertFiring: true, incident.EventAlertResolved: true, incident.EventChannelOpened: true,
	incident.EventChannelDeleted: true, incident.EventTicketOpened: true, incident.EventTranscriptBuilt: true,
	incident.EventArchived: true, incident.EventIncomplete: true, incident.EventError: true,
	incident.EventPaged: true, incident.EventEscalation: true, incident.EventPostmortem: true, incident.EventFollowupTicket: true, incident.EventStatusReminder: true,
}

// pinRE reads a pinned event's text: “message” (author).
var pinRE = regexp.MustCompile(`(?s)^“(.*)” \(([^()]*)\)$`)

// timelineView labels inc's events and keeps those show asks for: "people",
// "system" or everything.
func timelineView(inc *incident.Incident, events []incident.Event, show string) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		v := eventView{Event: e, Label: eventLabels[e.Kind], Detail: e.Text}
		if v.Label == "" {
			w := strings.ReplaceAll(string(e.Kind), "_", " ")
			v.Label = strings.ToUpper(w[:1]) + w[1:]
		}
		if e.Kind == incident.EventStatusChanged && statusMoveLabels[e.To] != "" {
			v.Label = statusMoveLabels[e.To]
			if e.From == incident.StatusResolved && e.To == incident.StatusOpen && (!incident.IsPerson(e.Actor) || e.Actor == inc.Source) {
				v.Label = "Firing again" // the source reopened it, not a person's /incident reopen
			}
		}
		if e.Kind == incident.EventPinned {
			if m := pinRE.FindStringSubmatch(e.Text); m != nil {
				v.Detail = m[1]
				if m[2] != e.Actor {
					v.Detail += " (written by " + m[2] + ")"
				}
			}
		}
		v.System = systemKinds[e.Kind] || e.Actor == "" || e.Actor == "warroom" || e.Actor == inc.Source
		switch {
		case show == "people" && v.System, show == "system" && !v.System:
			continue
		}
		out = append(out, v)
	}
	return out
}
