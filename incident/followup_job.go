package incident

import (
	"context"
	"encoding/json"
	"fmt"
)

// JobFollowupTicket makes one follow-up's ticket. It runs in the incident's
// ticket lane, after the incident's own ticket is opened (and closed), so
// that the follow-up's ticket can link to it.
const JobFollowupTicket JobKind = "followup.ticket"

func init() {
	RegisterKind(JobFollowupTicket, KindSpec{Lane: "ticket", Backend: BackendTickets})
}

// followupPayload is the payload of followup.ticket jobs.
type followupPayload struct {
	FollowupID int64 `json:"followup_id"`
}

// followupReactor enqueues, when an incident closes, the ticket of each of
// its follow-ups that is still open and has none.
type followupReactor struct{ s *Service }

// React enqueues the follow-ups' tickets on the move to closed.
func (r followupReactor) React(ctx context.Context, tx Txn, c Change) error {
	if c.Event.Kind != EventStatusChanged || c.Event.To != StatusClosed || r.s.followupTickets == nil {
		return nil
	}
	list, err := tx.Followups(ctx, c.Incident.ID)
	if err != nil {
		return err
	}
	for i := range list {
		if err := r.s.enqueueFollowupTicket(ctx, tx, c.Incident, &list[i]); err != nil {
			return err
		}
	}
	return nil
}

// enqueueFollowupTicket enqueues the job that makes f's ticket, one job per
// follow-up (its key names it), unless it has a ticket or is done already
// or no ticket system takes follow-ups.
func (s *Service) enqueueFollowupTicket(ctx context.Context, tx Txn, inc *Incident, f *Followup) error {
	if s.followupTickets == nil || !f.Ticket.Empty() || f.Done() || inc.Parent != "" {
		return nil
	}
	j, err := NewJob(JobFollowupTicket, inc.ID, fmt.Sprintf("%s/followup/%d/ticket", inc.Key, f.ID), followupPayload{FollowupID: f.ID})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// runFollowupTicket makes the ticket and records it on the follow-up. A
// retry after a crash between the two finds the ticket the first attempt
// made (OpenFollowupTicket is idempotent), so there is never a second one.
func (s *Service) runFollowupTicket(ctx context.Context, j Job) error {
	var p followupPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode followup.ticket payload: %w", err)
	}
	if s.followupTickets == nil {
		return Errorf(KindPermanent, "no ticket system takes follow-ups: set tickets.backend (builtin or jira) and retry the job")
	}
	f, err := s.store.Followup(ctx, p.FollowupID)
	if err != nil {
		return err
	}
	if !f.Ticket.Empty() {
		return nil
	}
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	ref, err := s.followupTickets.OpenFollowupTicket(ctx, inc, *f)
	if err != nil {
		return fmt.Errorf("open the ticket of follow-up #%d of %s: %w", f.ID, inc.Key, err)
	}
	return s.Update(ctx, func(tx Txn) error {
		f, err := tx.Followup(ctx, p.FollowupID)
		if err != nil || !f.Ticket.Empty() {
			return err
		}
		f.Ticket = ref
		if err := tx.UpdateFollowup(ctx, f); err != nil {
			return err
		}
		inc, err := tx.Incident(ctx, j.IncidentID)
		if err != nil {
			return err
		}
		ev := Event{Kind: EventFollowupTicket, Actor: "warroom", Text: fmt.Sprintf("#%d → %s: %s", f.ID, ref.Key, f.Text), Ref: followupRef(f.ID) + "/ticket"}
		return tx.Record(ctx, inc, ev, false)
	})
}
