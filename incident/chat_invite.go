package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// JobInvite invites one person to an incident's channel for an incident
// attached to it (whose own routing named them): it runs in the chat lane,
// after the channel is open.
const JobInvite JobKind = "channel.invite"

func init() { RegisterKind(JobInvite, KindSpec{Lane: "chat", Backend: BackendChat}) }

// The invite's timeline events, on the incident whose channel it is.
const (
	EventInvited    EventKind = "invited"     // a person is in the channel for an attached incident
	EventNotInvited EventKind = "not_invited" // the chat does not know a person an attached incident's routing names
)

// invitePayload is a channel.invite job's payload.
type invitePayload struct {
	User string `json:"user"`
	For  string `json:"for"` // the attached incident whose people they are
}

// channelInvitees are the people an incident's channel is for: its
// commander, then the invitees its routing names (routed), each once.
func channelInvitees(inc *Incident, routed []string) []string {
	var out []string
	if inc.Commander != "" {
		out = append(out, inc.Commander)
	}
	return appendNew(out, routed...)
}

// enqueueInvites queues the invitation of child's people (its commander
// and its routing's invitees) to parent's channel, one job per person and
// parent: a person named by many children is invited once, and a job
// queued twice (a retried attach) is one job. The people already in the
// channel (the parent's own) are left alone when the job runs.
func (c *ChatEffects) enqueueInvites(ctx context.Context, tx Tx, parent, child *Incident) error {
	for _, user := range channelInvitees(child, c.router.Route(child.Labels).Invite) {
		j, err := NewJob(JobInvite, parent.ID, parent.Key+"/invite/"+user, invitePayload{User: user, For: child.Key})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

// runInvite invites the person, and puts on the timeline who was invited
// and whom the chat does not know; one already in the channel is left
// alone (and said only on a retry, whose first try may have added them).
func (c *ChatEffects) runInvite(ctx context.Context, j Job) error {
	var p invitePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode channel.invite payload: %w", err)
	}
	inc, err := c.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Status == StatusArchived {
		return nil // the channel is gone
	}
	if inc.Channel.Empty() {
		return Errorf(KindPermanent, "%s has no channel to invite @%s to: opening it failed (see the timeline); retry the channel job first", inc.Key, p.User)
	}
	got, err := c.chat.Invite(ctx, inc.Channel, []string{p.User})
	if err != nil {
		return fmt.Errorf("invite @%s to %s: %w", p.User, inc.Channel.Name, err)
	}
	var ev Event
	switch {
	case len(got.Added) > 0, len(got.Already) > 0 && j.Attempts > 1:
		ev = Event{Kind: EventInvited, Text: fmt.Sprintf("@%s, named by %s", p.User, p.For)}
	case len(got.Unknown) > 0:
		ev = Event{Kind: EventNotInvited, Text: fmt.Sprintf("@%s, named by %s, is not known to %s (or may not join this channel): check the routing rules' invite lists",
			p.User, p.For, c.chat.Backend())}
	default:
		return nil // in the channel already
	}
	return c.store.Update(ctx, func(tx Tx) error {
		now := c.clock.Now()
		ev.IncidentID, ev.Actor, ev.At, ev.RecordedAt, ev.Ref = inc.ID, "warroom", now, now, "invite/"+strings.ToLower(p.User)
		_, err := tx.AddEvent(ctx, &ev)
		return err
	})
}
