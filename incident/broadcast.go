package incident

import (
	"context"
	"encoding/json"
	"fmt"
)

// JobBroadcast posts a status update to the stakeholder channel the
// routing rules name (Route.Broadcast). Its lane is its own: the
// stakeholders hear of updates in order, and the incident's chat never
// waits for them.
const JobBroadcast JobKind = "chat.broadcast"

func init() {
	RegisterKind(JobBroadcast, KindSpec{Lane: "broadcast", Backend: BackendChat})
}

type broadcastPayload struct {
	Channel string `json:"channel"`
	EventID int64  `json:"event_id"`
}

// enqueueBroadcast queues the post of a status update to the incident's
// stakeholder channel, when its routing rules name one (decided when the
// update is posted, by the rules of then).
func (r *Reminders) enqueueBroadcast(ctx context.Context, tx Tx, inc *Incident, ev Event) error {
	channel := r.router.Route(inc.Labels).Broadcast
	if channel == "" {
		return nil
	}
	j, err := NewJob(JobBroadcast, inc.ID, fmt.Sprintf("%s/broadcast/%d", inc.Key, ev.ID), broadcastPayload{Channel: channel, EventID: ev.ID})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// broadcastChannel is the spec of a stakeholder channel: warroom opens it
// by name the first time (or adopts the one it opened before), so the
// same channel serves every incident routed there.
func broadcastChannel(name string) ChannelSpec {
	return ChannelSpec{IncidentKey: "broadcast:" + name, Name: name, DisplayName: name,
		Purpose: "warroom posts the status updates of incidents here", Header: "Status updates of incidents, from warroom"}
}

func (r *Reminders) runBroadcast(ctx context.Context, j Job) error {
	var p broadcastPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode chat.broadcast payload: %w", err)
	}
	inc, err := r.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	ev, err := eventOf(ctx, r.store, inc, p.EventID)
	if err != nil {
		return err
	}
	ch, err := r.chat.OpenChannel(ctx, broadcastChannel(p.Channel))
	if err != nil {
		return fmt.Errorf("open the stakeholder channel %q: %w", p.Channel, err)
	}
	text := fmt.Sprintf("📣 **%s %s** (%s, %s), status update from @%s: %s\n%s",
		inc.Key, inc.Title, inc.Severity, inc.Status, ev.Actor, ev.Text, r.life.chat.publicURL+"/incidents/"+inc.Key)
	if _, err := r.chat.Post(ctx, ch, Post{Key: j.Key, Text: text, Retry: j.Attempts > 1}); err != nil {
		return fmt.Errorf("post to the stakeholder channel %q: %w", p.Channel, err)
	}
	return nil
}
