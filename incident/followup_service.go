package incident

import (
	"context"
	"fmt"
	"time"
)

// The timeline events of follow-ups.
const (
	EventFollowup       EventKind = "followup"        // an action item was recorded
	EventFollowupTicket EventKind = "followup_ticket" // its ticket exists
	EventFollowupState  EventKind = "followup_state"  // it was marked done or reopened
)

// FollowupTickets is what follow-ups need of the ticket system.
type FollowupTickets interface {
	// Backend names the system, as stored in TicketRef.Backend.
	Backend() string
	// OpenFollowupTicket creates the follow-up's ticket, linked to the
	// incident's own ticket when it has one. It must be idempotent on the
	// follow-up's ID: when an earlier attempt created the ticket, it
	// returns that one (and adds the link if that attempt stopped first).
	OpenFollowupTicket(ctx context.Context, inc *Incident, f Followup) (TicketRef, error)
	// TracksFollowups reports whether the system keeps its tickets' state
	// itself (Jira, read back from its webhook): warroom then does not
	// change the state of a follow-up that has a ticket there.
	TracksFollowups() bool
}

// Followups returns the follow-ups of the incident with that key, oldest
// first, each with its state and ticket: the read the incident page, the
// postmortem and the review list show. An unknown key is KindNotFound.
func (s *Service) Followups(ctx context.Context, key string) ([]Followup, error) {
	id, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.Incident(ctx, id); err != nil {
		return nil, err
	}
	list, err := s.store.Followups(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Tracked = s.followupTracked(list[i])
	}
	return list, nil
}

// CountFollowups counts follow-ups by state, for a list that shows "2 of
// 5 done".
func CountFollowups(list []Followup) (open, done int) {
	for _, f := range list {
		if f.Done() {
			done++
		} else {
			open++
		}
	}
	return open, done
}

// followupTracked reports whether f's state follows a ticket system of its own.
func (s *Service) followupTracked(f Followup) bool {
	t := s.followupTickets
	return t != nil && t.TracksFollowups() && !f.Ticket.Empty() && f.Ticket.Backend == t.Backend()
}

// AddFollowup records an action item on the incident, in any status: during
// the incident it is announced in the channel and becomes a ticket when the
// incident closes; after the close its ticket is made at once.
func (s *Service) AddFollowup(ctx context.Context, key, actor, text string) (*Followup, error) {
	text, err := ParseFollowupText(text)
	if err != nil {
		return nil, err
	}
	var out *Followup
	_, err = s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		f := &Followup{IncidentID: inc.ID, Text: text, Actor: actor, State: FollowupOpen, CreatedAt: now, ChangedAt: now, ChangedBy: actor}
		if err := tx.CreateFollowup(ctx, f); err != nil {
			return err
		}
		ev := Event{Kind: EventFollowup, Actor: actor, Text: fmt.Sprintf("#%d %s", f.ID, text), At: now, Ref: followupRef(f.ID)}
		if err := tx.Record(ctx, inc, ev, inc.Status.Active()); err != nil {
			return err
		}
		out = f
		if inc.Status.Active() {
			return nil
		}
		return s.enqueueFollowupTicket(ctx, tx, inc, f)
	})
	if err != nil {
		return nil, err
	}
	out.Tracked = s.followupTracked(*out)
	return out, nil
}

// SetFollowupDone marks the incident's follow-up id done (or, with done
// false, open again) on warroom's side: the builtin tickets, or a follow-up
// whose ticket is not made yet. One tracked in Jira is KindConflict (it is
// changed there), one of another incident KindNotFound.
func (s *Service) SetFollowupDone(ctx context.Context, key string, id int64, actor string, done bool) (*Followup, error) {
	var out *Followup
	_, err := s.mutate(ctx, key, func(tx Txn, inc *Incident, now time.Time) error {
		f, err := tx.Followup(ctx, id)
		if isNotFound(err) || (err == nil && f.IncidentID != inc.ID) {
			return Errorf(KindNotFound, "%s has no follow-up #%d: /incident followups lists its follow-ups", inc.Key, id)
		}
		if err != nil {
			return err
		}
		if s.followupTracked(*f) {
			return Errorf(KindConflict, "follow-up #%d is tracked in %s as %s: resolve or reopen it there (%s), and its state here follows",
				id, f.Ticket.Backend, f.Ticket.Key, f.Ticket.URL)
		}
		state, verb := FollowupDone, "done"
		if !done {
			state, verb = FollowupOpen, "reopened"
		}
		if f.State == state {
			return Errorf(KindConflict, "follow-up #%d is already %s", id, state)
		}
		f.State, f.ChangedAt, f.ChangedBy = state, now, actor
		if err := tx.UpdateFollowup(ctx, f); err != nil {
			return err
		}
		out = f
		ev := Event{Kind: EventFollowupState, Actor: actor, Text: fmt.Sprintf("#%d %s: %s", id, verb, f.Text), At: now}
		return tx.Record(ctx, inc, ev, inc.Status.Active())
	})
	return out, err
}

// followupTicketChanged applies a status change of a follow-up's ticket
// (Jira's webhook): done marks the follow-up done, anything else reopens
// it. It reports false when the ticket is no follow-up's.
func (s *Service) followupTicketChanged(ctx context.Context, tx Txn, c TicketChange, res *IngestResult) (bool, error) {
	f, err := tx.FollowupByTicket(ctx, c.Ticket.Backend, c.Ticket.Key)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	inc, err := tx.Incident(ctx, f.IncidentID)
	if err != nil {
		return true, err
	}
	res.Incident = inc
	state, verb := FollowupOpen, "reopened"
	if c.Done {
		state, verb = FollowupDone, "done"
	}
	if f.State == state {
		res.Ignored = fmt.Sprintf("follow-up #%d of %s is already %s", f.ID, inc.Key, state)
		return true, nil
	}
	actor := c.Actor
	if actor == "" {
		actor = c.Ticket.Backend
	}
	f.State, f.ChangedAt, f.ChangedBy = state, c.At, actor
	if err := tx.UpdateFollowup(ctx, f); err != nil {
		return true, err
	}
	ev := Event{Kind: EventFollowupState, Actor: actor, Text: fmt.Sprintf("#%d %s in %s: %s", f.ID, verb, c.Ticket.Key, f.Text), At: c.At}
	return true, tx.Record(ctx, inc, ev, inc.Status.Active())
}

// followupRef is the timeline ref of a follow-up, so it is recorded once.
func followupRef(id int64) string { return fmt.Sprintf("followup/%d", id) }
