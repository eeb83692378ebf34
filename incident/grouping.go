package incident

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Grouping says how alert storms are grouped into one response. A group
// is the new incidents of one escalation policy whose By labels have the
// same values (all of them when By is empty). In a Window, the first
// MaxNew incidents of a group open alone; the ones after them attach to
// the group's parent, an incident of its own ("Storm: ...") made by the
// first of them, which alone gets a channel, a ticket and pages. While
// incidents keep attaching (each within Window of the last), the storm
// goes on and new ones attach at once. Window 0 turns grouping off.
type Grouping struct {
	Window time.Duration
	MaxNew int
	By     []string
	// PostEvery is how often at most the parent's attached-alerts post is
	// edited; 0 means every 2 s.
	PostEvery time.Duration
}

// GroupingSource is the Source of the parents grouping makes; their dedup
// key is the group's, so a group has one live parent at a time.
const GroupingSource = "grouping"

// EventAttached is an incident attached to a parent: on the child's
// timeline and on the parent's.
const EventAttached EventKind = "attached"

func (g Grouping) on() bool { return g.Window > 0 }

// groupKey names the group of an incident: its policy and the values of
// the By labels (a missing label counts as empty).
func (g Grouping) groupKey(labels map[string]string, policy string) string {
	parts := []string{"policy=" + policy}
	for _, name := range g.By {
		parts = append(parts, name+"="+labels[name])
	}
	return "storm/" + strings.Join(parts, ",")
}

// decide says whether a new incident of the group attaches to its parent,
// and what the group's window becomes.
func (g Grouping) decide(w GroupWindow, now time.Time) (GroupWindow, bool) {
	if !w.Last.IsZero() && now.Sub(w.Last) < g.Window {
		w.Last = now // the storm goes on
		return w, true
	}
	if w.Start.IsZero() || now.Sub(w.Start) >= g.Window {
		w.Start, w.Count = now, 0
	}
	if w.Count < g.MaxNew {
		w.Count++
		return w, false
	}
	w.Last = now
	return w, true
}

// createAlerted opens an incident for a new alert group: alone, or, when
// grouping says so, attached to its group's parent, in the same
// transaction (the group's window is locked by it, so replicas agree).
func (s *Service) createAlerted(ctx context.Context, tx Txn, inc *Incident, actor string, now time.Time) error {
	route := s.router.Route(inc.Labels)
	if !s.grouping.on() {
		return s.createRouted(ctx, tx, inc, actor, now, route)
	}
	key := s.grouping.groupKey(inc.Labels, route.Policy)
	w, err := tx.GroupWindow(ctx, key)
	if err != nil {
		return err
	}
	w, attach := s.grouping.decide(w, now)
	if err := tx.SetGroupWindow(ctx, w); err != nil {
		return err
	}
	if !attach {
		return s.createRouted(ctx, tx, inc, actor, now, route)
	}
	parent, err := s.stormParent(ctx, tx, key, inc, route, now)
	if err != nil {
		return err
	}
	inc.Parent = parent.Key
	if err := s.createRouted(ctx, tx, inc, actor, now, route); err != nil {
		return err
	}
	return s.attached(ctx, tx, parent, inc, "warroom", now)
}

// stormParent returns the group's live parent, reopened when it was
// resolved, or makes it from the incident that passed the rate.
func (s *Service) stormParent(ctx context.Context, tx Txn, key string, first *Incident, route Route, now time.Time) (*Incident, error) {
	p, err := tx.ActiveIncidentByDedup(ctx, GroupingSource, key)
	switch {
	case err == nil:
		if p, err = tx.Incident(ctx, p.ID); err != nil { // locked: a close waits for us, or we see it
			return nil, err
		}
		if p.Status == StatusResolved {
			if err := s.move(ctx, tx, p, StatusOpen, "warroom", "alerts of its storm firing again", now, moveOpts{}); err != nil {
				return nil, err
			}
			p.UpdatedAt = now
			if err := tx.UpdateIncident(ctx, p); err != nil {
				return nil, err
			}
		}
		if p.Status.Active() {
			return p, nil
		}
	case !isNotFound(err):
		return nil, err
	}
	labels := map[string]string{}
	var shared []string
	for _, name := range s.grouping.By {
		labels[name] = first.Labels[name]
		shared = append(shared, name+"="+first.Labels[name])
	}
	title := fmt.Sprintf("Storm: more than %d new alerts in %s", s.grouping.MaxNew, s.grouping.Window)
	if len(shared) > 0 {
		title += " (" + strings.Join(shared, ", ") + ")"
	}
	p = &Incident{Title: title, Severity: first.Severity, Status: StatusOpen, Source: GroupingSource, DedupKey: key, Labels: labels,
		Summary: "New alerts of this group came faster than grouping.max_new per grouping.window. Each one attaches to this incident " +
			"instead of opening its own channel, ticket and pages; the attached-alerts post lists them. " +
			"`/incident split INC-n` gives one its own channel."}
	if route.Severity.Valid() {
		p.Severity = route.Severity
	}
	// The parent pages the group's policy and invites its people; its
	// channel is named from its own title, its runbook matched by its labels.
	parentRoute := Route{Severity: route.Severity, Invite: route.Invite, Policy: route.Policy}
	if err := s.createRouted(ctx, tx, p, "warroom", now, parentRoute); err != nil {
		return nil, err
	}
	return p, nil
}

// attached records child's attachment on both timelines, queues the
// invitation of child's people to the parent's channel, raises the parent
// to a worse child's severity (writing the parent then), and queues the
// edit of the parent's attached-alerts post.
func (s *Service) attached(ctx context.Context, tx Txn, parent, child *Incident, actor string, now time.Time) error {
	ref := fmt.Sprintf("child/%d/%d", child.ID, now.UnixNano())
	if err := tx.Record(ctx, child, Event{Kind: EventAttached, Actor: actor, Text: "attached to " + parent.Key + " " + parent.Title, At: now, Ref: ref}, false); err != nil {
		return err
	}
	if err := tx.Record(ctx, parent, Event{Kind: EventAttached, Actor: actor, Text: child.Key + " " + child.Title, At: now, Ref: ref}, false); err != nil {
		return err
	}
	if err := s.chat.enqueueInvites(ctx, tx, parent, child); err != nil {
		return err
	}
	raised, err := s.followSeverity(ctx, tx, parent, child, now)
	if err != nil {
		return err
	}
	if raised {
		if err := tx.UpdateIncident(ctx, parent); err != nil {
			return err
		}
	}
	return s.enqueueAttachedPost(ctx, tx, parent.ID, now)
}

// withChildren fills in the keys of the incidents attached to inc.
func (s *Service) withChildren(ctx context.Context, inc *Incident) error {
	var keys []string // newest first, as listed
	for offset := 0; ; offset += 500 {
		page, err := s.store.Incidents(ctx, Filter{Parent: inc.Key, Limit: 500, Offset: offset})
		if err != nil {
			return err
		}
		for _, k := range page {
			keys = append(keys, k.Key)
		}
		if len(page) < 500 {
			break
		}
	}
	inc.Children = nil
	for i := len(keys) - 1; i >= 0; i-- {
		inc.Children = append(inc.Children, keys[i])
	}
	return nil
}
