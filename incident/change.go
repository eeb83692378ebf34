package incident

import (
	"context"
	"time"
)

// Change is one event the lifecycle put on an incident's timeline, handed
// to every part that reacts to changes (chat effects, ticket sync,
// escalation, upstream acks) inside the write transaction that recorded it,
// so that the jobs they enqueue commit with it or not at all.
type Change struct {
	Incident *Incident // as it is in the transaction, already changed
	Event    Event     // as stored, with its ID
	// Announce asks for a post about the event in the incident's channel.
	Announce bool
	// Route is the routing decision, evaluated once per alert (or
	// declaration), on the changes that open or reopen the incident; nil
	// on every other change.
	Route *Route
	// FromSource is set when the change came from the outside system it
	// would otherwise be reported to (an ack made in Icinga 2, a ticket
	// moved to done in Jira): nothing is sent back there, and the paging
	// is left to run out on its own, as before the split.
	FromSource bool
}

// Reactor is a part that reacts to changes by enqueuing its own jobs in
// the same transaction. React must not write the incident row (the
// lifecycle writes it once, after every reaction).
type Reactor interface {
	React(ctx context.Context, tx Txn, c Change) error
}

// Txn is a write transaction of the lifecycle: the store's Tx, plus
// Record, which puts an event on the timeline and hands it to the parts
// that react to it.
type Txn struct {
	Tx
	s *Service
}

// Record appends ev to the incident's timeline and, when it is new (an
// event with the same ref is recorded once), hands it to every Reactor.
func (t Txn) Record(ctx context.Context, inc *Incident, ev Event, announce bool) error {
	return t.s.record(ctx, t, Change{Incident: inc, Event: ev, Announce: announce})
}

// Now is the lifecycle's clock.
func (t Txn) Now() time.Time { return t.s.clock.Now() }

// Update runs fn in one write transaction of the lifecycle, for a part
// that changes the timeline from a job (an escalation step).
func (s *Service) Update(ctx context.Context, fn func(tx Txn) error) error {
	return s.store.Update(ctx, func(tx Tx) error { return fn(Txn{Tx: tx, s: s}) })
}

// record appends the change's event and hands it to the reactors in
// order: ticket sync, chat effects, escalation, upstream acks.
func (s *Service) record(ctx context.Context, tx Txn, c Change) error {
	ev := &c.Event
	ev.IncidentID = c.Incident.ID
	if ev.RecordedAt.IsZero() {
		ev.RecordedAt = s.clock.Now()
	}
	if ev.At.IsZero() {
		ev.At = ev.RecordedAt
	}
	added, err := tx.AddEvent(ctx, ev)
	if err != nil || !added {
		return err
	}
	for _, r := range s.reactors {
		if c.Incident.Parent != "" && !s.reactsToChildren(r, c) {
			continue // attached: no channel, ticket or paging of its own
		}
		if err := r.React(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}
