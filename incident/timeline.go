package incident

import "time"

// EventKind names what happened on an incident's timeline.
type EventKind string

// The kinds of timeline event.
const (
	EventDeclared        EventKind = "declared"           // incident created by hand or by a source
	EventAlertFiring     EventKind = "alert_firing"       // an alert in the group started firing
	EventAlertResolved   EventKind = "alert_resolved"     // an alert in the group resolved
	EventStatusChanged   EventKind = "status_changed"     // open/acked/resolved/closed/archived
	EventSeverityChanged EventKind = "severity_changed"   // severity moved up or down
	EventStatusUpdate    EventKind = "status_update"      // a free-text status update
	EventNote            EventKind = "note"               // a note from a person
	EventPinned          EventKind = "pinned"             // a chat message pinned to the timeline
	EventChannelOpened   EventKind = "channel_opened"     // the chat channel exists
	EventChannelDeleted  EventKind = "channel_deleted"    // the chat channel is gone
	EventTicketOpened    EventKind = "ticket_opened"      // the ticket exists
	EventTranscriptBuilt EventKind = "transcript_built"   // the transcript was rendered
	EventArchived        EventKind = "archive_verified"   // the transcript is stored and verified
	EventIncomplete      EventKind = "archive_incomplete" // the transcript does not hold all the chat server counts
	EventError           EventKind = "error"              // an outside side effect failed for good
	EventPaged           EventKind = "paged"              // a person was paged
	EventEscalation      EventKind = "escalation"         // the escalation moved on, stopped or ran out
	EventPostmortem      EventKind = "postmortem"         // the postmortem was drafted or stored
)

// Event is one entry on an incident's timeline. At is when the thing
// happened (an alert's start, a chat message's time); RecordedAt is when
// warroom learned of it. The two differ for alerts and pinned messages.
type Event struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"-"`
	Kind       EventKind `json:"kind"`
	Actor      string    `json:"actor"`
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
	RecordedAt time.Time `json:"recorded_at"`
	// Ref identifies the outside object the event is about (an alert
	// fingerprint, a chat message ID) so that a repeat is recorded once.
	Ref string `json:"ref,omitempty"`
	// From and To are the statuses of a status_changed event (empty on
	// every other kind, and on status changes recorded before 0007).
	From Status `json:"from,omitempty"`
	To   Status `json:"to,omitempty"`
}
