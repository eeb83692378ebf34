package incident

import (
	"context"
	"time"
)

// Store keeps incidents, their timelines and their jobs. Implementations
// return a KindNotFound *Error for a missing incident.
type Store interface {
	// Update runs fn in one write transaction: every change fn makes,
	// including the jobs it enqueues, commits together or not at all. When
	// ctx carries a fence (WithFence) that no longer holds, fn is not run
	// and the error wraps ErrLeaseFenced.
	Update(ctx context.Context, fn func(Tx) error) error
	// Incident returns one incident by ID.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// IncidentByChannel returns the incident whose channel this is.
	IncidentByChannel(ctx context.Context, backend, channelID string) (*Incident, error)
	// Incidents lists incidents, newest first.
	Incidents(ctx context.Context, f Filter) ([]*Incident, error)
	// Events returns an incident's timeline ordered by when things happened.
	Events(ctx context.Context, incidentID int64) ([]Event, error)
	// ChatPost returns the ID of the message posted in a named slot (for
	// example "status"), or "" when there is none yet.
	ChatPost(ctx context.Context, incidentID int64, slot string) (string, error)
	// ActionRunReader reads the runs of ChatOps actions.
	ActionRunReader
	// PostmortemReader reads postmortems and their revisions.
	PostmortemReader
	// FollowupReader reads the follow-ups (action items) of incidents.
	FollowupReader
	// RepeatReader tells a repeated alert notification without a write.
	RepeatReader
}

// Filter narrows Incidents.
type Filter struct {
	Status []Status // any of these; empty means all
	Query  string   // matched against key, title, summary, labels and transcript
	Parent string   // only the incidents attached to this one (its key); "" means any
	Source string   // only the incidents opened by this source (icinga2, ...); "" means any
	Limit  int      // 0 means a default page
	Offset int
}

// Tx is the write side of Store inside a transaction.
type Tx interface {
	// CreateIncident stores a new incident and sets its ID and Key.
	CreateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncident writes every field of inc.
	UpdateIncident(ctx context.Context, inc *Incident) error
	// Incident reads an incident for update.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// Events returns an incident's timeline as this transaction sees it
	// (Store.Events may not see what an update committed with it wrote).
	Events(ctx context.Context, incidentID int64) ([]Event, error)
	// ActiveIncidentByDedup returns the incident from source with that dedup
	// key that is not yet closed, or a KindNotFound error.
	ActiveIncidentByDedup(ctx context.Context, source, dedupKey string) (*Incident, error)
	// IncidentByDedup returns the newest incident from source with that
	// dedup key, whatever its status, or a KindNotFound error.
	IncidentByDedup(ctx context.Context, source, dedupKey string) (*Incident, error)
	// IncidentByTicket returns the newest incident linked to the ticket, or
	// a KindNotFound error.
	IncidentByTicket(ctx context.Context, backend, key string) (*Incident, error)
	// MarkTicketChange records that a change of the ticket made at `at`
	// (seq orders changes of the same instant) was seen, and reports whether
	// it is not older than any change seen before.
	MarkTicketChange(ctx context.Context, backend, key string, at time.Time, seq int64) (bool, error)
	// AddEvent appends to the timeline. When ev.Ref is set and an event with
	// the same incident, kind and ref exists, it adds nothing and returns false.
	AddEvent(ctx context.Context, ev *Event) (bool, error)
	// Enqueue persists a job; a job with the same Key already enqueued makes
	// it a no-op.
	Enqueue(ctx context.Context, j Job) error
	// SetChatPost records the ID of the message in a named slot, so that
	// later jobs can edit it.
	SetChatPost(ctx context.Context, incidentID int64, slot, postID string) error
	// ActionRunTx writes the runs of ChatOps actions.
	ActionRunTx
	// FollowupTx writes the follow-ups of incidents.
	FollowupTx

	// GroupingTx is storm grouping's state (grouping_store.go).
	GroupingTx
	// PostmortemTx writes postmortems (postmortem.go).
	PostmortemTx
}

// Clock tells the time; tests inject a fake.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
