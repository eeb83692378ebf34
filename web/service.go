package web

import (
	"context"

	"github.com/warroom/warroom/incident"
)

// What the web layer needs of the incident workflow, grouped by use. cmd
// hands the one incident.Service to each; the handler tests hand in a fake.
// Every error is an incident.Error whose kind web/errors.go maps to the
// HTTP status; anything else is answered as an internal error.

// Incidents reads incidents and their timelines, for the API, the pages and
// the builtin channel pages.
type Incidents interface {
	// Get returns the incident with key (INC-42, inc-42 or 42); KindInvalid
	// for a malformed key, KindNotFound when there is none.
	Get(ctx context.Context, key string) (*incident.Incident, error)
	// List returns the incidents that match f, newest first.
	List(ctx context.Context, f incident.Filter) ([]*incident.Incident, error)
	// Timeline returns the incident's events in the order things happened;
	// errors as Get.
	Timeline(ctx context.Context, key string) ([]incident.Event, error)
	// ByChannel returns the incident whose channel is channelID on backend,
	// or KindNotFound.
	ByChannel(ctx context.Context, backend, channelID string) (*incident.Incident, error)
}

// Lifecycle declares incidents and moves them along their statuses. A move
// the incident's status does not allow is KindConflict, an unknown key
// KindNotFound; each returns the incident as it is afterwards.
type Lifecycle interface {
	// Declare opens an incident by hand; KindInvalid names what is wrong
	// with d (a missing title, for one).
	Declare(ctx context.Context, d incident.Declaration) (*incident.Incident, error)
	// Ack acknowledges the incident for actor.
	Ack(ctx context.Context, key, actor string) (*incident.Incident, error)
	// Resolve marks the incident resolved, with an optional reason.
	Resolve(ctx context.Context, key, actor, reason string) (*incident.Incident, error)
	// Close closes the incident, which starts its archiving.
	Close(ctx context.Context, key, actor, reason string) (*incident.Incident, error)
}

// Updates changes what is known about an incident without moving its
// status. An unknown key is KindNotFound, bad input KindInvalid.
type Updates interface {
	// SetSeverity changes the incident's severity.
	SetSeverity(ctx context.Context, key, actor string, sev incident.Severity) (*incident.Incident, error)
	// UpdateStatus records a free-text status update.
	UpdateStatus(ctx context.Context, key, actor, text string) (*incident.Incident, error)
	// AddNote puts a note on the timeline.
	AddNote(ctx context.Context, key, actor, text string) (*incident.Incident, error)
	// Pin puts a chat message of the incident's channel on its timeline at
	// the time it was written; pinning it again records nothing new. A
	// channel of no incident is KindNotFound.
	Pin(ctx context.Context, backend, channelID, actor string, m incident.PinnedMessage) (*incident.Incident, error)
}

// Alerts takes the alert groups that the inbound hooks decode.
type Alerts interface {
	// IngestAlerts stores one notification durably before it returns: it
	// opens an incident, or lands on the live one of its dedup key, or is
	// ignored (with the reason). A group that is not valid is KindInvalid;
	// a store that cannot be written is an error the hook answers with 5xx,
	// so that the sender retries.
	IngestAlerts(ctx context.Context, g incident.AlertGroup) (incident.IngestResult, error)
}

// Commands runs the /incident commands typed in (or clicked on) a builtin
// channel page.
type Commands interface {
	// RunCommand parses and runs one command line. A mistake of the person
	// who typed it is a Reply with Failed set; only a failure of warroom
	// itself is an error.
	RunCommand(ctx context.Context, req incident.CommandRequest) (incident.Reply, error)
}

// Followups are the action items of incidents: listed, recorded and marked
// done. An unknown incident is KindNotFound, empty or too long text
// KindInvalid, a follow-up of another incident KindNotFound, one whose
// state its Jira issue keeps KindConflict.
type Followups interface {
	// Followups returns the incident's follow-ups, oldest first.
	Followups(ctx context.Context, key string) ([]incident.Followup, error)
	// AddFollowup records one, in any status of the incident.
	AddFollowup(ctx context.Context, key, actor, text string) (*incident.Followup, error)
	// SetFollowupDone marks one done, or with done false open again.
	SetFollowupDone(ctx context.Context, key string, id int64, actor string, done bool) (*incident.Followup, error)
}
