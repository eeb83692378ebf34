package incident

import (
	"context"
	"fmt"
	"strings"
)

// groupingCommands attach incidents to the one whose channel they are
// typed in, and give attached ones back their own response.
func groupingCommands() []commandSpec {
	return []commandSpec{
		{name: "merge", usage: "merge INC-n", help: "attach INC-n to this incident: no channel posts, ticket comments or pages of its own; closed with this one", needArg: true, keyArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.mergeCommand(ctx, c) }},
		{name: "split", usage: "split INC-n", help: "give INC-n, attached to this incident, its own channel, ticket and pages", needArg: true, keyArg: true,
			run: func(s *Service, ctx context.Context, c commandCall) (Reply, error) { return s.splitCommand(ctx, c) }},
	}
}

// EventDetached is an incident split from its parent: on both timelines.
const EventDetached EventKind = "detached"

// otherKey reads the one incident key a merge or split names.
func otherKey(arg, cmd string) (int64, error) {
	if f := strings.Fields(arg); len(f) == 1 {
		if id := namedKey(f[0]); id != 0 {
			return id, nil
		}
	}
	return 0, Errorf(KindInvalid, "%q is not one incident key: type /incident %s INC-42 in the channel of the incident to %s", arg, cmd, map[string]string{"merge": "attach it to", "split": "split it from"}[cmd])
}

// mergeCommand attaches the named incident to the channel's. Its channel,
// when it has one, gets a last post pointing here and stays until it is
// closed with this incident, when it is archived and deleted as any close
// does. A merge across escalation policies says so in this channel.
func (s *Service) mergeCommand(ctx context.Context, c commandCall) (Reply, error) {
	id, err := otherKey(c.Arg, "merge")
	if err != nil {
		return failed(err)
	}
	var text string
	err = s.Update(ctx, func(tx Txn) error {
		parent, err := tx.Incident(ctx, c.Inc.ID)
		if err != nil {
			return err
		}
		child, err := tx.Incident(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case child.ID == parent.ID:
			return Errorf(KindInvalid, "%s cannot be merged into itself: type /incident merge INC-n in the channel of the incident that stays", child.Key)
		case parent.Parent != "":
			return Errorf(KindConflict, "%s is itself attached to %s: merge %s there", parent.Key, parent.Parent, child.Key)
		case child.Parent == parent.Key:
			return Errorf(KindConflict, "%s is already attached to %s", child.Key, parent.Key)
		case child.Parent != "":
			return Errorf(KindConflict, "%s is attached to %s: /incident split %s there first", child.Key, child.Parent, child.Key)
		case !parent.Status.Active() || !child.Status.Active():
			return Errorf(KindConflict, "only open, acked or resolved incidents merge: %s is %s, %s is %s", parent.Key, parent.Status, child.Key, child.Status)
		}
		if kids, err := tx.Children(ctx, child.ID); err != nil || len(kids) > 0 {
			if err == nil {
				err = Errorf(KindConflict, "%s has %d incidents attached: merge %s into %s instead, or split them first", child.Key, len(kids), parent.Key, child.Key)
			}
			return err
		}
		now := s.clock.Now()
		child.Parent, child.UpdatedAt = parent.Key, now
		if err := s.attached(ctx, tx, parent, child, c.Req.Actor, now); err != nil {
			return err
		}
		text = fmt.Sprintf("%s is attached to %s by @%s: it gets no posts, ticket comments or pages of its own, and closes with %s.", child.Key, parent.Key, c.Req.Actor, parent.Key)
		if from, to := s.policyOf(child), s.policyOf(parent); from != to {
			text += fmt.Sprintf("\n⚠️ %s was routed to escalation policy %s; %s pages by %s, so %s's people are no longer paged for it.", child.Key, policyName(from), parent.Key, policyName(to), policyName(from))
		}
		if err := enqueuePost(ctx, tx, parent, PostSpec{Text: text}, fmt.Sprintf("%s/post/merge/%d/%d", parent.Key, child.ID, now.UnixNano())); err != nil {
			return err
		}
		if !child.Channel.Empty() {
			last := fmt.Sprintf("➡️ %s is attached to %s by @%s: follow it in %s's channel. This channel is archived and deleted when %s closes.", child.Key, parent.Key, c.Req.Actor, parent.Key, parent.Key)
			if err := enqueuePost(ctx, tx, child, PostSpec{Text: last}, fmt.Sprintf("%s/post/merged/%d", child.Key, now.UnixNano())); err != nil {
				return err
			}
		}
		return tx.UpdateIncident(ctx, child)
	})
	if err != nil {
		return failed(err)
	}
	return Reply{Text: text}, nil
}

// splitCommand gives an attached incident its own response, as if it had
// opened alone: a channel, a ticket and the escalation of its policy.
func (s *Service) splitCommand(ctx context.Context, c commandCall) (Reply, error) {
	id, err := otherKey(c.Arg, "split")
	if err != nil {
		return failed(err)
	}
	var key string
	err = s.Update(ctx, func(tx Txn) error {
		parent, err := tx.Incident(ctx, c.Inc.ID)
		if err != nil {
			return err
		}
		child, err := tx.Incident(ctx, id)
		if err != nil {
			return err
		}
		if child.Parent != parent.Key {
			return Errorf(KindConflict, "%s is not attached to %s: type /incident split in the channel of the incident it is attached to", child.Key, parent.Key)
		}
		if !child.Status.Active() {
			return Errorf(KindConflict, "%s is %s: only open, acked or resolved incidents split", child.Key, child.Status)
		}
		now := s.clock.Now()
		child.Parent, child.UpdatedAt, key = "", now, child.Key
		ref := fmt.Sprintf("split/%d/%d", child.ID, now.UnixNano())
		if err := tx.Record(ctx, parent, Event{Kind: EventDetached, Actor: c.Req.Actor, Text: child.Key + " split off", At: now, Ref: ref}, false); err != nil {
			return err
		}
		// Declared again: every part reacts as to a new incident (channel,
		// ticket, escalation); what exists already is kept.
		route := s.router.Route(child.Labels)
		if err := s.record(ctx, tx, Change{Incident: child, Event: Event{Kind: EventDeclared, Actor: c.Req.Actor,
			Text: "split from " + parent.Key + ": " + child.Title, At: now, Ref: ref}, Route: &route}); err != nil {
			return err
		}
		if err := s.enqueueAttachedPost(ctx, tx, parent.ID, now); err != nil {
			return err
		}
		return tx.UpdateIncident(ctx, child)
	})
	return done(fmt.Sprintf("%s is split from %s: it gets its own channel, ticket and pages.", key, c.Inc.Key), err)
}

// policyOf is the escalation policy an incident pages by: a storm
// parent's is in its group's key, any other's its routing rules decide.
func (s *Service) policyOf(inc *Incident) string {
	if inc.Source == GroupingSource {
		if rest, ok := strings.CutPrefix(inc.DedupKey, "storm/policy="); ok {
			p, _, _ := strings.Cut(rest, ",")
			return p
		}
	}
	return s.router.Route(inc.Labels).Policy
}

func policyName(p string) string {
	if p == "" {
		return "(the default)"
	}
	return p
}
