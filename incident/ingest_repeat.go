package incident

import (
	"context"
	"slices"
)

// EventRef names one timeline event by its kind and ref (events with a
// ref are recorded once).
type EventRef struct {
	Kind EventKind
	Ref  string
}

// RepeatReader is the one read an alert notification makes before it
// writes anything. In a storm most notifications repeat one already
// applied (Alertmanager resends every group at its repeat interval, an HA
// pair sends each twice), and those need no write transaction, no row
// lock and no commit at all.
type RepeatReader interface {
	// LiveIncidentHolding returns the live incident of the dedup key (as
	// Tx.ActiveIncidentByDedup finds it) and whether its timeline holds
	// every one of refs; a KindNotFound error when there is none.
	LiveIncidentHolding(ctx context.Context, source, dedupKey string, refs []EventRef) (*Incident, bool, error)
}

// alreadyApplied reports whether the notification would change nothing:
// a live incident already holds each of its alerts, it brings no new
// link, and it moves no status. It reads without a lock; a change that
// commits meanwhile orders the notification before it, as if it had
// arrived a moment earlier, when it was indeed a repeat.
func (s *Service) alreadyApplied(ctx context.Context, g AlertGroup) (*Incident, bool, error) {
	refs := make([]EventRef, 0, len(g.Alerts))
	for _, a := range g.Alerts {
		ev := alertEvent(a, g.Source)
		if r := (EventRef{ev.Kind, ev.Ref}); !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	inc, holds, err := s.store.LiveIncidentHolding(ctx, g.Source, g.DedupKey, refs)
	switch {
	case isNotFound(err) || (err == nil && !holds):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	if _, _, moves := alertMove(inc, g, true); moves {
		return nil, false, nil
	}
	if len(mergeLinks(slices.Clone(inc.Links), g.Links)) != len(inc.Links) {
		return nil, false, nil
	}
	return inc, true, nil
}

// alertMove is the status change a notification makes to an incident
// that holds its alerts: resolved when every alert has resolved, open
// again when one fires again on a resolved incident (announce is false
// for the notification that has just opened it).
func alertMove(inc *Incident, g AlertGroup, announce bool) (to Status, why string, moves bool) {
	switch {
	case g.AllResolved() && (inc.Status == StatusOpen || inc.Status == StatusAcked):
		return StatusResolved, "all alerts resolved", true
	case !g.AllResolved() && inc.Status == StatusResolved && announce:
		return StatusOpen, "alerts firing again", true
	}
	return "", "", false
}
