package incident

import "context"

// EventAdder is a store transaction's write of one timeline event, as
// Tx.AddEvent does it.
type EventAdder interface {
	AddEvent(ctx context.Context, ev *Event) (bool, error)
}

// ArchiveTx is a write transaction of the archive as the Service writes the
// timeline in it. The store makes one from its own transaction (NewArchiveTx)
// and hands it to the archive, which can only pass it on to
// RecordArchiveEvent: it has no exported methods, so the archive cannot
// write an event itself, and every event on the timeline is written by the
// Service.
type ArchiveTx struct{ w EventAdder }

// NewArchiveTx wraps the events of a store's write transaction for the
// archive. Only a store calls it.
func NewArchiveTx(w EventAdder) ArchiveTx { return ArchiveTx{w: w} }

// RecordArchiveEvent puts one of the archive's events on the incident's
// timeline inside the archive's transaction tx, so that it commits with what
// the archive writes beside it (a transcript and the job that stores it; the
// proof of the store and the job that deletes the channel) or not at all.
// The archive's events are recorded, not announced: no post in the channel,
// no ticket comment (the archive writes its own summary). An event whose
// incident, kind and Ref are on the timeline already is recorded once.
// RecordedAt defaults to now, At to RecordedAt.
func (s *Service) RecordArchiveEvent(ctx context.Context, tx ArchiveTx, ev Event) error {
	if tx.w == nil {
		return Errorf(KindInternal, "record %s event of incident %s: no archive transaction", ev.Kind, FormatKey(ev.IncidentID))
	}
	if ev.IncidentID <= 0 {
		return Errorf(KindInternal, "record %s event: it names no incident", ev.Kind)
	}
	if ev.RecordedAt.IsZero() {
		ev.RecordedAt = s.clock.Now()
	}
	if ev.At.IsZero() {
		ev.At = ev.RecordedAt
	}
	_, err := tx.w.AddEvent(ctx, &ev)
	return err
}
