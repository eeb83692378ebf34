package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// TicketSync keeps the incident's ticket in step with it: it opens the
// ticket when the incident opens, comments on it for the events the
// operator listed, and closes it when the incident closes. It reacts to
// changes by enqueuing ticket-lane jobs and runs them.
type TicketSync struct {
	store     Store
	tickets   Tickets
	render    Renderer
	clock     Clock
	publicURL string
	comments  map[string]bool
	closeTix  bool
	ticketFor func(*Incident) bool
	life      *Service // records the ticket on the timeline
}

func newTicketSync(d Deps, life *Service) *TicketSync {
	t := &TicketSync{life: life, store: d.Store, tickets: d.Tickets, render: d.Renderer, clock: d.Clock, publicURL: d.PublicURL,
		comments: map[string]bool{}, closeTix: d.CloseTickets, ticketFor: d.OpenTicketFor}
	for _, k := range d.TicketComments {
		t.comments[k] = true
	}
	if t.ticketFor == nil {
		t.ticketFor = func(*Incident) bool { return true }
	}
	return t
}

// ticketPayload is the payload of ticket.comment jobs.
type ticketPayload struct {
	Template string `json:"template,omitempty"`
	EventID  int64  `json:"event_id,omitempty"`
	Text     string `json:"text,omitempty"`
}

// The ticket sync's kinds of job, in the incident's ticket lane, so that
// an outage of the ticket system never holds up the channel.
const (
	JobOpenTicket    JobKind = "ticket.open"    // open the incident's ticket
	JobTicketComment JobKind = "ticket.comment" // comment on the ticket
	JobCloseTicket   JobKind = "ticket.close"   // move the ticket to done
)

func init() {
	RegisterKind(JobOpenTicket, KindSpec{Lane: "ticket", Backend: BackendTickets})
	RegisterKind(JobTicketComment, KindSpec{Lane: "ticket", Backend: BackendTickets})
	RegisterKind(JobCloseTicket, KindSpec{Lane: "ticket", Backend: BackendTickets})
}

// RegisterJobs gives the runner the ticket sync's handlers.
func (t *TicketSync) RegisterJobs(r *Runner) {
	r.Handle(JobOpenTicket, t.runOpenTicket)
	r.Handle(JobTicketComment, t.runTicketComment)
	r.Handle(JobCloseTicket, t.runCloseTicket)
}

// React enqueues the ticket jobs a change calls for: a comment when the
// operator listed its kind, the ticket when the incident opens, and the
// move to done when it closes (unless the ticket system closed it).
func (t *TicketSync) React(ctx context.Context, tx Txn, c Change) error {
	inc, ev := c.Incident, c.Event
	if kind := commentKind(ev); kind != "" && t.comments[kind] {
		j, err := NewJob(JobTicketComment, inc.ID, fmt.Sprintf("%s/ticket/comment/%d", inc.Key, ev.ID),
			ticketPayload{Template: "ticket_comment", EventID: ev.ID})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, j); err != nil {
			return err
		}
	}
	var j Job
	var err error
	switch {
	case ev.Kind == EventDeclared && inc.Ticket.Empty() && t.ticketFor(inc):
		j, err = NewJob(JobOpenTicket, inc.ID, inc.Key+"/ticket/open", nil)
	case ev.Kind == EventStatusChanged && ev.To == StatusClosed && !c.FromSource &&
		t.closeTix && (!inc.Ticket.Empty() || t.ticketFor(inc)):
		j, err = NewJob(JobCloseTicket, inc.ID, inc.Key+"/ticket/close", nil)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// commentKind is what a timeline event is called in the list of events
// that become ticket comments: the event kind, or for a status change the
// status moved to (acked, resolved, ...).
func commentKind(ev Event) string {
	if ev.Kind != EventStatusChanged {
		return string(ev.Kind)
	}
	return string(ev.To)
}

// TicketCommentKinds are the names the ticket-comment list of the config
// may use: the statuses a change can move to, and the other timeline
// events that reach ticket sync, as commentKind calls them.
func TicketCommentKinds() []string {
	return []string{string(StatusAcked), string(StatusResolved), string(StatusOpen),
		string(EventSeverityChanged), string(EventStatusUpdate), string(EventNote), string(EventPinned),
		string(EventCommanderChanged), string(EventRoleChanged), string(EventTitleChanged)}
}

func (t *TicketSync) runTicketComment(ctx context.Context, j Job) error {
	var p ticketPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode ticket.comment payload: %w", err)
	}
	inc, err := t.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Ticket.Empty() {
		return Errorf(KindPermanent, "%s has no ticket to comment on: opening it failed (see the timeline)", inc.Key)
	}
	text := p.Text
	if p.Template != "" {
		data := messageData(t.publicURL, inc)
		if p.EventID != 0 {
			if data.Event, err = eventOf(ctx, t.store, inc, p.EventID); err != nil {
				return err
			}
		}
		if text, err = t.render.Render(p.Template, data); err != nil {
			return err
		}
	}
	if err := t.tickets.Comment(ctx, inc.Ticket, TicketComment{Key: j.Key, Text: text, Retry: j.Attempts > 1}); err != nil {
		return fmt.Errorf("comment on %s: %w", inc.Ticket.Key, err)
	}
	return nil
}

func (t *TicketSync) runOpenTicket(ctx context.Context, j Job) error {
	inc, err := t.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if !inc.Ticket.Empty() {
		return nil
	}
	ref, err := t.tickets.OpenTicket(ctx, inc)
	if err != nil {
		return fmt.Errorf("open ticket for %s: %w", inc.Key, err)
	}
	_, err = t.life.mutate(ctx, inc.Key, func(tx Txn, inc *Incident, now time.Time) error {
		inc.Ticket = ref
		return tx.Record(ctx, inc, Event{Kind: EventTicketOpened, Actor: "warroom", Text: ref.Key, At: now, Ref: ref.Key}, false)
	})
	return err
}

// runCloseTicket moves the ticket to done. When the move does not exist,
// the channel is told which ones do, and the job ends: the incident is
// closed and archived all the same.
func (t *TicketSync) runCloseTicket(ctx context.Context, j Job) error {
	inc, err := t.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Ticket.Empty() {
		return nil
	}
	err = t.tickets.CloseTicket(ctx, inc.Ticket, inc.CloseReason)
	if err == nil {
		return nil
	}
	if ErrorKind(err) != KindPermanent {
		return fmt.Errorf("close ticket %s: %w", inc.Ticket.Key, err)
	}
	return t.store.Update(ctx, func(tx Tx) error {
		now := t.clock.Now()
		ev := Event{IncidentID: inc.ID, Kind: EventError, Actor: "warroom", Text: "ticket " + inc.Ticket.Key + " not closed: " + ErrorMessage(err),
			At: now, RecordedAt: now, Ref: "ticket/close"}
		if _, err := tx.AddEvent(ctx, &ev); err != nil {
			return err
		}
		if inc.Channel.Empty() {
			return nil
		}
		return enqueuePost(ctx, tx, inc, PostSpec{Text: "⚠️ Ticket " + inc.Ticket.Key + " was not closed: " + ErrorMessage(err)},
			postKey(inc, "ticket-close", 0))
	})
}

// NewTicketCommentJob builds the job that writes text as a comment on the
// incident's ticket; key names what the comment is about.
func NewTicketCommentJob(inc *Incident, what, text string) (Job, error) {
	return NewJob(JobTicketComment, inc.ID, inc.Key+"/ticket/comment/"+what, ticketPayload{Text: text})
}
