package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Tickets is what the Service needs of a ticket system (builtin, Jira).
type Tickets interface {
	// Backend names the system, as stored in TicketRef.Backend.
	Backend() string
	// OpenTicket creates the incident's ticket, or returns the one already
	// created for it (it must be idempotent on inc.Key).
	OpenTicket(ctx context.Context, inc *Incident) (TicketRef, error)
	// Comment adds a comment. With c.Retry set an earlier attempt may have
	// added it: the system must not add it twice.
	Comment(ctx context.Context, t TicketRef, c TicketComment) error
	// CloseTicket moves the ticket to done. It returns a KindPermanent error
	// that lists the possible moves when the configured one does not exist.
	CloseTicket(ctx context.Context, t TicketRef, reason string) error
}

// TicketComment is a comment warroom writes on a ticket.
type TicketComment struct {
	Key   string // idempotency key
	Text  string
	Retry bool
}

// ticketPayload is the payload of ticket.comment jobs.
type ticketPayload struct {
	Template string `json:"template,omitempty"`
	EventID  int64  `json:"event_id,omitempty"`
	Text     string `json:"text,omitempty"`
}

// Ticket job kinds beyond opening.
const (
	JobTicketComment JobKind = "ticket.comment" // comment on the ticket
	JobCloseTicket   JobKind = "ticket.close"   // move the ticket to done
)

// commentKind is what a timeline event is called in the list of events
// that become ticket comments: the event kind, or for a status change the
// status moved to (acked, resolved, ...).
func commentKind(ev Event) string {
	if ev.Kind != EventStatusChanged {
		return string(ev.Kind)
	}
	_, after, ok := strings.Cut(ev.Text, "→ ")
	if !ok {
		return ""
	}
	to, _, _ := strings.Cut(after, ":")
	return strings.TrimSpace(to)
}

// maybeComment enqueues a ticket comment for an event when the operator
// asked for that kind.
func (s *Service) maybeComment(ctx context.Context, tx Tx, inc *Incident, ev Event) error {
	kind := commentKind(ev)
	if kind == "" || !s.comments[kind] {
		return nil
	}
	j, err := NewJob(JobTicketComment, inc.ID, fmt.Sprintf("%s/ticket/comment/%d", inc.Key, ev.ID),
		ticketPayload{Template: "ticket_comment", EventID: ev.ID})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

func (s *Service) runTicketComment(ctx context.Context, j Job) error {
	var p ticketPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode ticket.comment payload: %w", err)
	}
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Ticket.Empty() {
		return Errorf(KindPermanent, "%s has no ticket to comment on: opening it failed (see the timeline)", inc.Key)
	}
	text := p.Text
	if p.Template != "" {
		data := s.messageData(inc)
		if p.EventID != 0 {
			if data.Event, err = s.event(ctx, inc, p.EventID); err != nil {
				return err
			}
		}
		if text, err = s.render.Render(p.Template, data); err != nil {
			return err
		}
	}
	if err := s.tickets.Comment(ctx, inc.Ticket, TicketComment{Key: j.Key, Text: text, Retry: j.Attempts > 1}); err != nil {
		return fmt.Errorf("comment on %s: %w", inc.Ticket.Key, err)
	}
	return nil
}

// runCloseTicket moves the ticket to done. When the move does not exist,
// the channel is told which ones do, and the job ends: the incident is
// closed and archived all the same.
func (s *Service) runCloseTicket(ctx context.Context, j Job) error {
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Ticket.Empty() {
		return nil
	}
	err = s.tickets.CloseTicket(ctx, inc.Ticket, inc.CloseReason)
	if err == nil {
		return nil
	}
	if ErrorKind(err) != KindPermanent {
		return fmt.Errorf("close ticket %s: %w", inc.Ticket.Key, err)
	}
	return s.store.Update(ctx, func(tx Tx) error {
		now := s.clock.Now()
		ev := Event{IncidentID: inc.ID, Kind: EventError, Actor: "warroom", Text: "ticket " + inc.Ticket.Key + " not closed: " + ErrorMessage(err),
			At: now, RecordedAt: now, Ref: "ticket/close"}
		if _, err := tx.AddEvent(ctx, &ev); err != nil {
			return err
		}
		if inc.Channel.Empty() {
			return nil
		}
		return s.enqueuePost(ctx, tx, inc, postPayload{Text: "⚠️ Ticket " + inc.Ticket.Key + " was not closed: " + ErrorMessage(err)},
			postKey(inc, "ticket-close", 0))
	})
}

// event returns one event of an incident.
func (s *Service) event(ctx context.Context, inc *Incident, id int64) (*Event, error) {
	events, err := s.store.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	for i := range events {
		if events[i].ID == id {
			return &events[i], nil
		}
	}
	return nil, Errorf(KindPermanent, "event %d of %s is gone", id, inc.Key)
}

// TicketIncident is an incident opened from a ticket created in the ticket
// system (a Jira issue that matches the trigger).
type TicketIncident struct {
	Ticket   TicketRef
	Title    string
	Summary  string
	Reporter string
	Severity Severity
	Labels   map[string]string
	At       time.Time // when the ticket was created
}

// OpenFromTicket opens an incident linked to an existing ticket. A ticket
// that already has an incident (a repeated delivery) changes nothing.
func (s *Service) OpenFromTicket(ctx context.Context, t TicketIncident) (IngestResult, error) {
	inc := &Incident{Title: t.Title, Summary: t.Summary, Severity: t.Severity, Source: t.Ticket.Backend,
		DedupKey: t.Ticket.Key, Labels: t.Labels, Commander: "", Ticket: t.Ticket}
	if !inc.Severity.Valid() {
		inc.Severity = SeverityWarning
	}
	if len(inc.Title) > 200 {
		inc.Title = inc.Title[:197] + "..."
	}
	if err := inc.Validate(); err != nil {
		return IngestResult{}, err
	}
	var res IngestResult
	err := s.store.Update(ctx, func(tx Tx) error {
		existing, err := tx.IncidentByDedup(ctx, inc.Source, inc.DedupKey)
		if err == nil {
			res = IngestResult{Incident: existing, Ignored: "ticket " + t.Ticket.Key + " already has incident " + existing.Key}
			return nil
		}
		if !isNotFound(err) {
			return err
		}
		actor := t.Reporter
		if actor == "" {
			actor = t.Ticket.Backend
		}
		if err := s.create(ctx, tx, inc, actor, s.clock.Now()); err != nil {
			return err
		}
		res = IngestResult{Incident: inc, Created: true}
		return nil
	})
	return res, err
}

// TicketChange is a status change made in the ticket system.
type TicketChange struct {
	Ticket TicketRef
	Actor  string
	At     time.Time // when it happened there
	Seq    int64     // the system's own order of changes (Jira's changelog id), for changes in the same instant
	Done   bool      // the ticket is now in a done status
}

// TicketStatusChanged applies a status change made in the ticket system:
// moved to done, the incident closes (and is archived; the ticket is not
// moved again). A change older than one already seen is stale and ignored,
// so a late "done" after a reopen does not close anything.
func (s *Service) TicketStatusChanged(ctx context.Context, c TicketChange) (IngestResult, error) {
	t, actor, done := c.Ticket, c.Actor, c.Done
	var res IngestResult
	err := s.store.Update(ctx, func(tx Tx) error {
		newer, err := tx.MarkTicketChange(ctx, t.Backend, t.Key, c.At, c.Seq)
		if err != nil {
			return err
		}
		if !newer {
			res.Ignored = "a newer change of " + t.Key + " was already applied"
			return nil
		}
		if !done {
			res.Ignored = t.Key + " did not move to done"
			return nil
		}
		inc, err := tx.IncidentByTicket(ctx, t.Backend, t.Key)
		if isNotFound(err) {
			res.Ignored = t.Key + " has no incident"
			return nil
		}
		if err != nil {
			return err
		}
		res.Incident = inc
		if !inc.Status.Active() {
			res.Ignored = inc.Key + " is already " + string(inc.Status)
			return nil
		}
		now := s.clock.Now()
		if err := s.move(ctx, tx, inc, StatusClosed, actor, "ticket "+t.Key+" done", now); err != nil {
			return err
		}
		inc.UpdatedAt = now
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		return enqueueArchive(ctx, tx, inc)
	})
	return res, err
}

// NewTicketCommentJob builds the job that writes text as a comment on the
// incident's ticket; key names what the comment is about.
func NewTicketCommentJob(inc *Incident, what, text string) (Job, error) {
	return NewJob(JobTicketComment, inc.ID, inc.Key+"/ticket/comment/"+what, ticketPayload{Text: text})
}
