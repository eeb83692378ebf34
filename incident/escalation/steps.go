package escalation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// pagingPostSlot names the paging post, edited in place.
const pagingPostSlot = "paging"

// nextRef starts the ref of the event that says what fires next.
const nextRef = "escalation/next/"

type stepPayload struct {
	Policy string `json:"policy"`
	Gen    int64  `json:"gen"` // one escalation per (re)opening of the incident
	Round  int    `json:"round"`
	Step   int    `json:"step"`
}

type notifyPayload struct {
	User string `json:"user"`
	Why  string `json:"why"`
	// To is the destination's Name and Page the page's key; both are
	// empty in jobs of an older warroom, which paged every destination.
	To   string `json:"to,omitempty"`
	Page string `json:"page,omitempty"`
}

type pageUpdatePayload struct {
	Action string `json:"action"` // acknowledge or resolve
	Actor  string `json:"actor"`
}

// policyFor is the policy the routing decision names, else the default.
func (e *Escalation) policyFor(route *incident.Route) (Policy, bool) {
	name := ""
	if route != nil {
		name = route.Policy
	}
	if name == "" {
		name = e.cfg.Default
	}
	p, ok := e.cfg.Policies[name]
	return p, ok && len(p.Steps) > 0 && e.on()
}

// start queues the first step when the incident opens or fires again.
func (e *Escalation) start(ctx context.Context, tx incident.Txn, inc *incident.Incident, route *incident.Route, now time.Time) error {
	p, ok := e.policyFor(route)
	if !ok {
		return nil
	}
	return enqueueStep(ctx, tx, inc, stepPayload{Policy: p.Name, Gen: now.UnixNano()}, now)
}

func enqueueStep(ctx context.Context, tx incident.Tx, inc *incident.Incident, st stepPayload, at time.Time) error {
	j, err := incident.NewJob(JobStep, inc.ID, fmt.Sprintf("%s/page/step/%d/%d/%d", inc.Key, st.Gen, st.Round, st.Step), st)
	if err != nil {
		return err
	}
	j.RunAt = at
	return tx.Enqueue(ctx, j)
}

// runStep pages the step's targets and schedules the next step; an
// incident that is no longer open (acked, resolved, closed) stops it.
func (e *Escalation) runStep(ctx context.Context, life Lifecycle, j incident.Job) error {
	var st stepPayload
	if err := json.Unmarshal(j.Payload, &st); err != nil {
		return incident.Errorf(incident.KindPermanent, "decode page.step payload: %w", err)
	}
	p, ok := e.cfg.Policies[st.Policy]
	if !ok || st.Step >= len(p.Steps) {
		return incident.Errorf(incident.KindPermanent, "escalation policy %q has no step %d any more", st.Policy, st.Step+1)
	}
	return life.Update(ctx, func(tx incident.Txn) error {
		inc, err := tx.Incident(ctx, j.IncidentID)
		if err != nil || inc.Status != incident.StatusOpen || inc.Parent != "" {
			return err // acked or later, or attached to a parent that pages: the escalation is over
		}
		now := tx.Now()
		step := p.Steps[st.Step]
		why := fmt.Sprintf("step %d of policy %s", st.Step+1, p.Name)
		if st.Round > 0 {
			why += fmt.Sprintf(", round %d", st.Round+1)
		}
		for _, t := range step.Targets {
			if err := e.pageTarget(ctx, tx, inc, t, why, fmt.Sprintf("%d/%d/%d", st.Gen, st.Round, st.Step), now); err != nil {
				return err
			}
		}
		next := stepPayload{Policy: p.Name, Gen: st.Gen, Round: st.Round, Step: st.Step + 1}
		if next.Step == len(p.Steps) {
			next.Round, next.Step = st.Round+1, 0
		}
		if next.Round >= max(p.Repeat, 1) {
			return tx.Record(ctx, inc, incident.Event{Kind: incident.EventEscalation, Actor: "warroom", At: now, Ref: fmt.Sprintf("escalation/exhausted/%d", st.Gen),
				Text: fmt.Sprintf("escalation policy %s ran out of steps without an ack", p.Name)}, true)
		}
		at := now.Add(step.Wait)
		if err := tx.Record(ctx, inc, incident.Event{Kind: incident.EventEscalation, Actor: "warroom", At: now,
			Ref:  fmt.Sprintf(nextRef+"%d/%d/%d", st.Gen, next.Round, next.Step),
			Text: fmt.Sprintf("next: step %d at %s unless acked", next.Step+1, at.Format(time.RFC3339))}, false); err != nil {
			return err
		}
		if err := enqueueStep(ctx, tx, inc, next, at); err != nil {
			return err
		}
		return enqueuePagingPost(ctx, tx, inc, now)
	})
}

// pageTarget resolves a target to a person and queues the page.
func (e *Escalation) pageTarget(ctx context.Context, tx incident.Txn, inc *incident.Incident, t Target, why, ref string, now time.Time) error {
	user := t.User
	if t.Schedule != "" {
		u, ok := "", false
		if e.cfg.OnCall != nil {
			u, ok = e.cfg.OnCall.OnCall(t.Schedule, now)
		}
		if !ok {
			return tx.Record(ctx, inc, incident.Event{Kind: incident.EventError, Actor: "warroom", At: now, Ref: "page/" + ref + "/" + t.Schedule,
				Text: "nobody is on call on schedule " + t.Schedule + " to page (" + why + ")"}, true)
		}
		user, why = u, why+", on call on "+t.Schedule
	}
	added, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventPaged, Actor: "warroom", At: now, RecordedAt: now,
		Ref: "page/" + ref + "/" + user, Text: "@" + user + " (" + why + ")"})
	if err != nil || !added {
		return err
	}
	page := fmt.Sprintf("%s/page/notify/%s/%s", inc.Key, ref, user)
	for _, d := range e.cfg.Destinations {
		j, err := incident.NewJob(JobNotify, inc.ID, page+"/"+d.Name(), notifyPayload{User: user, Why: why, To: d.Name(), Page: page})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, j); err != nil {
			return err
		}
	}
	// The mention in the channel goes in the chat lane, so that it waits for
	// the channel when the page comes before the channel exists.
	post, err := incident.NewPostJob(inc, fmt.Sprintf("%s/post/page/%s/%s", inc.Key, ref, user), incident.PostSpec{
		Text: fmt.Sprintf("📟 @%s, you are paged for **%s** (%s). `/incident ack` to take it.", user, inc.Key, why),
	})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, post)
}

// stop is called on ack, resolve and close: the pending step will find
// the incident no longer open and do nothing; the paging service and the
// paging post hear of it now.
func (e *Escalation) stop(ctx context.Context, tx incident.Txn, inc *incident.Incident, action, actor string, now time.Time) error {
	if !e.on() {
		return nil
	}
	events, err := tx.Events(ctx, inc.ID)
	if err != nil {
		return err
	}
	paged := false
	for _, ev := range events {
		paged = paged || ev.Kind == incident.EventPaged
	}
	if !paged {
		return nil // nobody was paged: nothing to stop or tell
	}
	if err := tx.Record(ctx, inc, incident.Event{Kind: incident.EventEscalation, Actor: actor, At: now, Ref: fmt.Sprintf("escalation/%s/%d", action, now.UnixNano()),
		Text: "escalation stopped: " + map[string]string{"acknowledge": "acked", "resolve": string(inc.Status)}[action] + " by @" + actor}, false); err != nil {
		return err
	}
	j, err := incident.NewJob(JobUpdate, inc.ID, fmt.Sprintf("%s/page/%s/%d", inc.Key, action, tx.Now().UnixNano()),
		pageUpdatePayload{Action: action, Actor: actor})
	if err != nil {
		return err
	}
	if err := tx.Enqueue(ctx, j); err != nil {
		return err
	}
	return enqueuePagingPost(ctx, tx, inc, now)
}

// View is what the paging post shows: who was paged when (and by which
// step), what stopped or ran out, and what fires next while the incident
// is open.
func (e *Escalation) View(inc *incident.Incident, events []incident.Event) incident.PagingView {
	var v incident.PagingView
	for _, ev := range events {
		switch {
		case ev.Kind == incident.EventPaged:
			v.Pages = append(v.Pages, ev)
		case ev.Kind == incident.EventEscalation && strings.HasPrefix(ev.Ref, nextRef):
			v.Next = ev.Text
		case ev.Kind == incident.EventEscalation:
			v.Notes = append(v.Notes, ev)
		}
	}
	if inc.Status != incident.StatusOpen {
		v.Next = ""
	}
	return v
}

// enqueuePagingPost queues the paging post's refresh: one post, edited in
// place, with who was paged when, who acked, and what fires next.
func enqueuePagingPost(ctx context.Context, tx incident.Tx, inc *incident.Incident, now time.Time) error {
	j, err := incident.NewPostJob(inc, fmt.Sprintf("%s/post/paging/%d", inc.Key, now.UnixNano()),
		incident.PostSpec{Template: "paging", Slot: pagingPostSlot, Upsert: true, Paging: true})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}
