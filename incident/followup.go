package incident

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// FollowupState is whether an action item is still to do.
type FollowupState string

// The states of a follow-up.
const (
	FollowupOpen FollowupState = "open"
	FollowupDone FollowupState = "done"
)

// MaxFollowupText bounds a follow-up's text: it becomes a ticket's summary
// (Jira's limit is 255 characters).
const MaxFollowupText = 240

// Followup is an action item recorded during or after an incident. When
// the incident closes it becomes a ticket in the ticket system (Ticket);
// its State follows that ticket (Jira's webhook) or is set on the incident
// page (builtin).
type Followup struct {
	ID         int64         `json:"id"`
	IncidentID int64         `json:"-"`
	Text       string        `json:"text"`
	Actor      string        `json:"actor"` // who recorded it
	State      FollowupState `json:"state"`
	Ticket     TicketRef     `json:"ticket"` // empty until its ticket exists
	CreatedAt  time.Time     `json:"created_at"`
	ChangedAt  time.Time     `json:"changed_at"` // when State last changed (CreatedAt at first)
	ChangedBy  string        `json:"changed_by"` // who changed it, there or here
	// Tracked is set on read when the state follows a ticket system of
	// its own (a Jira issue): it is changed there, not on warroom's page.
	Tracked bool `json:"tracked"`
}

// Done reports whether the action item is done.
func (f Followup) Done() bool { return f.State == FollowupDone }

// FollowupReader reads follow-ups.
type FollowupReader interface {
	// Followups returns an incident's follow-ups, oldest first (none is
	// an empty list, not an error).
	Followups(ctx context.Context, incidentID int64) ([]Followup, error)
	// Followup returns one follow-up, or a KindNotFound error.
	Followup(ctx context.Context, id int64) (*Followup, error)
}

// FollowupTx writes follow-ups inside a Tx. Inside a transaction Followup
// reads for update (on a store of several replicas it locks the row).
type FollowupTx interface {
	FollowupReader
	// CreateFollowup stores a new follow-up and sets its ID.
	CreateFollowup(ctx context.Context, f *Followup) error
	// UpdateFollowup writes State, Ticket, ChangedAt and ChangedBy; an
	// unknown ID is KindNotFound.
	UpdateFollowup(ctx context.Context, f *Followup) error
	// FollowupByTicket returns the follow-up whose ticket this is, or a
	// KindNotFound error.
	FollowupByTicket(ctx context.Context, backend, key string) (*Followup, error)
}

// ParseFollowupText checks the text of a new follow-up: it is trimmed, its
// lines joined, and it may be neither empty nor longer than
// MaxFollowupText.
func ParseFollowupText(text string) (string, error) {
	text = strings.Join(strings.Fields(text), " ")
	switch n := len([]rune(text)); {
	case n == 0:
		return "", Errorf(KindInvalid, "the follow-up is empty: write the action item, e.g. /incident followup add an alert on disk usage")
	case n > MaxFollowupText:
		return "", Errorf(KindInvalid, "the follow-up has %d characters; at most %d fit a ticket's summary: write it shorter and put the details in the ticket", n, MaxFollowupText)
	}
	return text, nil
}

// ParseFollowupID reads a follow-up's number as people write it: 3, #3 or
// F3 (the incident page and /incident followups show #3).
func ParseFollowupID(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(t, "#"), "F"), "f")
	id, err := strconv.ParseInt(t, 10, 64)
	if err != nil || id <= 0 || t != strconv.FormatInt(id, 10) {
		return 0, Errorf(KindInvalid, "%q is not a follow-up's number: give the number /incident followups shows, e.g. 3 or #3", s)
	}
	return id, nil
}
