package incident

import (
	"context"
	"strconv"
	"time"
)

// Grouping's kind of job: it waits out the post's coalescing period in a
// lane of its own (so that the parent's chat lane is never held), then
// queues the edit of the attached-alerts post in the chat lane, which
// waits for the channel and keeps the posts' order.
const JobAttachedPost JobKind = "grouping.post"

func init() { RegisterKind(JobAttachedPost, KindSpec{Lane: "grouping", Backend: BackendInternal}) }

// attachedSlot names the attached-alerts post, edited in place.
const attachedSlot = "attached"

// groupingReactor reacts to the changes of grouped incidents: a child's
// status or alerts refresh its parent's post, and a parent's close closes
// and archives its children.
type groupingReactor struct{ s *Service }

// reactsToChildren says which reactors see a change of an incident
// attached to a parent: it has no channel or paging of its own, so only
// the upstream acks and grouping do, and the ticket sync for the ack of a
// child that has a ticket of its own (an incident merged after it opened
// one): whoever follows that ticket learns that it is being worked on.
func (s *Service) reactsToChildren(r Reactor, c Change) bool {
	switch r.(type) {
	case *UpstreamAcks, groupingReactor:
		return true
	case *TicketSync:
		return c.Event.Kind == EventStatusChanged && c.Event.To == StatusAcked && !c.Incident.Ticket.Empty()
	}
	return false
}

// React implements Reactor.
func (g groupingReactor) React(ctx context.Context, tx Txn, c Change) error {
	inc, ev := c.Incident, c.Event
	if inc.Parent != "" {
		switch ev.Kind {
		case EventStatusChanged, EventAlertFiring, EventAlertResolved:
			id, err := ParseKey(inc.Parent)
			if err != nil {
				return err
			}
			return g.s.enqueueAttachedPost(ctx, tx, id, ev.RecordedAt)
		case EventSeverityChanged:
			return g.s.childSeverityChanged(ctx, tx, inc, ev.At)
		}
		return nil
	}
	switch {
	case ev.Kind == EventStatusChanged && ev.To == StatusAcked:
		return g.ackChildren(ctx, tx, inc, ev)
	case ev.Kind != EventStatusChanged || ev.To != StatusClosed:
		return nil
	}
	kids, err := tx.Children(ctx, inc.ID)
	if err != nil {
		return err
	}
	for _, kid := range kids {
		if kid.Status == StatusClosed || kid.Status == StatusArchived {
			continue
		}
		if err := g.s.move(ctx, tx, kid, StatusClosed, ev.Actor, "closed with "+inc.Key, ev.At, moveOpts{}); err != nil {
			return err
		}
		if err := enqueueArchive(ctx, tx, kid); err != nil {
			return err
		}
		kid.UpdatedAt = ev.At
		if err := tx.UpdateIncident(ctx, kid); err != nil {
			return err
		}
	}
	return nil
}

// ackChildren acks every open child of a parent just acked, in the same
// transaction, by the same person: each child's timeline says it was acked
// through the parent, and each child's own ack side effects (its source
// told, its ticket commented) are queued as durable jobs, once each.
// Acked children stay as they are; resolved ones have nothing to ack.
func (g groupingReactor) ackChildren(ctx context.Context, tx Txn, parent *Incident, ev Event) error {
	kids, err := tx.Children(ctx, parent.ID)
	if err != nil {
		return err
	}
	for _, kid := range kids {
		if kid.Status != StatusOpen {
			continue
		}
		if err := g.s.move(ctx, tx, kid, StatusAcked, ev.Actor, "through "+parent.Key, ev.At, moveOpts{}); err != nil {
			return err
		}
		kid.UpdatedAt = ev.At
		if err := tx.UpdateIncident(ctx, kid); err != nil {
			return err
		}
	}
	return nil
}

// enqueueAttachedPost queues one edit of the parent's attached-alerts post
// per coalescing period: every change in the period shares the job, which
// runs at the period's end and shows them all.
func (s *Service) enqueueAttachedPost(ctx context.Context, tx Tx, parentID int64, now time.Time) error {
	every := s.grouping.PostEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	end := now.Truncate(every).Add(every)
	j, err := NewJob(JobAttachedPost, parentID, FormatKey(parentID)+"/grouping/post/"+strconv.FormatInt(end.UnixNano(), 10), nil)
	if err != nil {
		return err
	}
	j.RunAt = end
	return tx.Enqueue(ctx, j)
}

// runAttachedPost queues the edit of the attached-alerts post; the post is
// rendered when it runs, from the children as they are then.
func (s *Service) runAttachedPost(ctx context.Context, j Job) error {
	return s.store.Update(ctx, func(tx Tx) error {
		inc, err := tx.Incident(ctx, j.IncidentID)
		if err != nil || inc.Status == StatusArchived {
			return err
		}
		return enqueuePost(ctx, tx, inc, PostSpec{Template: "attached", Slot: attachedSlot, Upsert: true, Children: true}, j.Key+"/edit")
	})
}

// ChildrenView is what the attached-alerts post shows: the incidents
// attached to this one, oldest first, and how many of them are resolved.
type ChildrenView struct {
	List     []*Incident
	Resolved int
}

// childrenView reads the children of inc for its post.
func (c *ChatEffects) childrenView(ctx context.Context, inc *Incident) (*ChildrenView, error) {
	v := &ChildrenView{}
	for offset := 0; ; offset += 500 {
		page, err := c.store.Incidents(ctx, Filter{Parent: inc.Key, Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		v.List = append(v.List, page...)
		if len(page) < 500 {
			break
		}
	}
	for i, j := 0, len(v.List)-1; i < j; i, j = i+1, j-1 {
		v.List[i], v.List[j] = v.List[j], v.List[i]
	}
	for _, k := range v.List {
		if !k.Status.Active() || k.Status == StatusResolved {
			v.Resolved++
		}
	}
	return v, nil
}
