package incident

import (
	"context"
	"fmt"
	"time"
)

// followSeverity raises the parent to its child's severity when the child
// is worse, through the one severity change (announced; header, card,
// ticket and cadence follow), with the child named on the timeline. It
// reports whether the parent changed; the caller writes it.
//
// It never lowers the parent: a child that resolves or is split off leaves
// the severity where it is, and a person lowers it by hand.
//
// Once a person has set the parent's severity, their word holds: a worse
// child does not raise it again but is said in the parent's channel, once
// per severity level and decision, with the command that follows it. In a
// storm the next worse child comes within seconds, so raising again would
// undo the person's judgement at once (and announce, comment on the ticket
// and change the cadence each time); the person has seen the children and
// knows more than an alert's label.
func (s *Service) followSeverity(ctx context.Context, tx Txn, parent, child *Incident, now time.Time) (bool, error) {
	if child.Severity <= parent.Severity || !parent.Status.Active() {
		return false, nil
	}
	set, err := severitySetByPerson(ctx, tx, parent)
	if err != nil {
		return false, err
	}
	if set != nil {
		text := fmt.Sprintf("⚠️ %s is %s, worse than this incident's %s, which @%s set: its severity stays. Type `/incident severity %s` to follow it.",
			child.Key, child.Severity, parent.Severity, set.Actor, child.Severity)
		key := fmt.Sprintf("%s/post/severity-held/%d/%s", parent.Key, set.ID, child.Severity)
		return false, enqueuePost(ctx, tx, parent, PostSpec{Text: text}, key)
	}
	why := fmt.Sprintf("follows %s %s (%s)", child.Key, child.Title, child.Severity)
	if err := s.changeSeverity(ctx, tx, parent, "warroom", child.Severity, why, now); err != nil {
		return false, err
	}
	parent.UpdatedAt = now
	return true, nil
}

// severitySetByPerson returns the last severity change a person made on
// inc's timeline, or nil when only warroom (or nobody) changed it.
func severitySetByPerson(ctx context.Context, tx Txn, inc *Incident) (*Event, error) {
	events, err := tx.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind == EventSeverityChanged && IsPerson(events[i].Actor) {
			return &events[i], nil
		}
	}
	return nil, nil
}

// childSeverityChanged lets the parent follow a child whose own severity
// was raised after it attached (through the commands API).
func (s *Service) childSeverityChanged(ctx context.Context, tx Txn, child *Incident, now time.Time) error {
	id, err := ParseKey(child.Parent)
	if err != nil {
		return err
	}
	parent, err := tx.Incident(ctx, id)
	if err != nil {
		return err
	}
	raised, err := s.followSeverity(ctx, tx, parent, child, now)
	if err != nil || !raised {
		return err
	}
	return tx.UpdateIncident(ctx, parent)
}
