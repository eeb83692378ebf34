package incident

import (
	"context"
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
	err := s.Update(ctx, func(tx Txn) error {
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
	err := s.Update(ctx, func(tx Txn) error {
		newer, err := tx.MarkTicketChange(ctx, t.Backend, t.Key, c.At, c.Seq)
		if err != nil {
			return err
		}
		if !newer {
			res.Ignored = "a newer change of " + t.Key + " was already applied"
			return nil
		}
		if handled, err := s.followupTicketChanged(ctx, tx, c, &res); handled || err != nil {
			return err
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
		// From the ticket system: the ticket is not moved again.
		if err := s.move(ctx, tx, inc, StatusClosed, actor, "ticket "+t.Key+" done", now, moveOpts{fromSource: true}); err != nil {
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
