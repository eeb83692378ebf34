package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Policy is an escalation policy: its steps page their targets in order,
// each waiting before the next, and the whole runs Repeat times (at least
// once) unless the incident is acked first.
type Policy struct {
	Name   string
	Steps  []PolicyStep
	Repeat int
}

// PolicyStep pages its targets, then waits before the next step.
type PolicyStep struct {
	Targets []Target
	Wait    time.Duration
}

// Target is a person or whoever is on call on a schedule.
type Target struct {
	User     string
	Schedule string
}

// String names the target.
func (t Target) String() string {
	if t.Schedule != "" {
		return "schedule " + t.Schedule
	}
	return "@" + t.User
}

// OnCallResolver says who is on call on a schedule at a time.
type OnCallResolver interface {
	OnCall(schedule string, at time.Time) (user string, ok bool)
}

// Pager notifies people and the outside paging service (PagerDuty). Page is
// idempotent per p.Key; Acknowledge and Resolve per incident.
type Pager interface {
	Page(ctx context.Context, p Page) error
	Acknowledge(ctx context.Context, inc *Incident, actor string) error
	Resolve(ctx context.Context, inc *Incident) error
}

// Page is one person paged for an incident.
type Page struct {
	Key      string
	Incident *Incident
	User     string
	Why      string // "step 2 of policy default", "paged by @alice"
}

// Paging configures escalation; the zero value pages nobody.
type Paging struct {
	Policies map[string]Policy
	Default  string // the policy of incidents no routing rule gives one
	OnCall   OnCallResolver
	Pager    Pager
}

// Paging job kinds. Escalation steps are scheduled jobs: a restart neither
// skips nor repeats one (a step is done or still due).
const (
	JobPageStep    JobKind = "page.step"     // run one step of the policy
	JobPageNotify  JobKind = "page.notify"   // page one person
	JobPageUpdate  JobKind = "page.upstream" // acknowledge or resolve at the paging service
	pagingPostSlot         = "paging"
)

type stepPayload struct {
	Policy string `json:"policy"`
	Gen    int64  `json:"gen"` // one escalation per (re)opening of the incident
	Round  int    `json:"round"`
	Step   int    `json:"step"`
}

type notifyPayload struct {
	User string `json:"user"`
	Why  string `json:"why"`
}

type pageUpdatePayload struct {
	Action string `json:"action"` // acknowledge or resolve
	Actor  string `json:"actor"`
}

// policyFor is the incident's escalation policy, if any.
func (s *Service) policyFor(inc *Incident) (Policy, bool) {
	name := s.router.Route(inc.Labels).Policy
	if name == "" {
		name = s.paging.Default
	}
	p, ok := s.paging.Policies[name]
	return p, ok && len(p.Steps) > 0 && s.paging.Pager != nil
}

// startEscalation queues the first step when the incident opens.
func (s *Service) startEscalation(ctx context.Context, tx Tx, inc *Incident, now time.Time) error {
	p, ok := s.policyFor(inc)
	if !ok {
		return nil
	}
	return s.enqueueStep(ctx, tx, inc, stepPayload{Policy: p.Name, Gen: now.UnixNano()}, now)
}

func (s *Service) enqueueStep(ctx context.Context, tx Tx, inc *Incident, st stepPayload, at time.Time) error {
	j, err := NewJob(JobPageStep, inc.ID, fmt.Sprintf("%s/page/step/%d/%d/%d", inc.Key, st.Gen, st.Round, st.Step), st)
	if err != nil {
		return err
	}
	j.RunAt = at
	return tx.Enqueue(ctx, j)
}

// runPageStep pages the step's targets and schedules the next step; an
// incident that is no longer open (acked, resolved, closed) stops it.
func (s *Service) runPageStep(ctx context.Context, j Job) error {
	var st stepPayload
	if err := json.Unmarshal(j.Payload, &st); err != nil {
		return Errorf(KindPermanent, "decode page.step payload: %w", err)
	}
	p, ok := s.paging.Policies[st.Policy]
	if !ok || st.Step >= len(p.Steps) {
		return Errorf(KindPermanent, "escalation policy %q has no step %d any more", st.Policy, st.Step+1)
	}
	return s.store.Update(ctx, func(tx Tx) error {
		inc, err := tx.Incident(ctx, j.IncidentID)
		if err != nil || inc.Status != StatusOpen {
			return err // acked or later: the escalation is over
		}
		now := s.clock.Now()
		step := p.Steps[st.Step]
		why := fmt.Sprintf("step %d of policy %s", st.Step+1, p.Name)
		if st.Round > 0 {
			why += fmt.Sprintf(", round %d", st.Round+1)
		}
		for _, t := range step.Targets {
			if err := s.pageTarget(ctx, tx, inc, t, why, fmt.Sprintf("%d/%d/%d", st.Gen, st.Round, st.Step), now); err != nil {
				return err
			}
		}
		next := stepPayload{Policy: p.Name, Gen: st.Gen, Round: st.Round, Step: st.Step + 1}
		if next.Step == len(p.Steps) {
			next.Round, next.Step = st.Round+1, 0
		}
		if next.Round >= max(p.Repeat, 1) {
			return s.record(ctx, tx, inc, Event{Kind: EventEscalation, Actor: "warroom", At: now, Ref: fmt.Sprintf("escalation/exhausted/%d", st.Gen),
				Text: fmt.Sprintf("escalation policy %s ran out of steps without an ack", p.Name)}, true)
		}
		at := now.Add(step.Wait)
		if err := s.record(ctx, tx, inc, Event{Kind: EventEscalation, Actor: "warroom", At: now,
			Ref:  fmt.Sprintf("escalation/next/%d/%d/%d", st.Gen, next.Round, next.Step),
			Text: fmt.Sprintf("next: step %d at %s unless acked", next.Step+1, at.Format(time.RFC3339))}, false); err != nil {
			return err
		}
		if err := s.enqueueStep(ctx, tx, inc, next, at); err != nil {
			return err
		}
		return s.enqueuePagingPost(ctx, tx, inc, now)
	})
}

// pageTarget resolves a target to a person and queues the page.
func (s *Service) pageTarget(ctx context.Context, tx Tx, inc *Incident, t Target, why, ref string, now time.Time) error {
	user := t.User
	if t.Schedule != "" {
		u, ok := "", false
		if s.paging.OnCall != nil {
			u, ok = s.paging.OnCall.OnCall(t.Schedule, now)
		}
		if !ok {
			return s.record(ctx, tx, inc, Event{Kind: EventError, Actor: "warroom", At: now, Ref: "page/" + ref + "/" + t.Schedule,
				Text: "nobody is on call on schedule " + t.Schedule + " to page (" + why + ")"}, true)
		}
		user, why = u, why+", on call on "+t.Schedule
	}
	added, err := tx.AddEvent(ctx, &Event{IncidentID: inc.ID, Kind: EventPaged, Actor: "warroom", At: now, RecordedAt: now,
		Ref: "page/" + ref + "/" + user, Text: "@" + user + " (" + why + ")"})
	if err != nil || !added {
		return err
	}
	j, err := NewJob(JobPageNotify, inc.ID, fmt.Sprintf("%s/page/notify/%s/%s", inc.Key, ref, user), notifyPayload{User: user, Why: why})
	if err != nil {
		return err
	}
	if err := tx.Enqueue(ctx, j); err != nil {
		return err
	}
	// The mention in the channel goes in the chat lane, so that it waits for
	// the channel when the page comes before the channel exists.
	return s.enqueuePost(ctx, tx, inc, postPayload{
		Text: fmt.Sprintf("📟 @%s, you are paged for **%s** (%s). `/incident ack` to take it.", user, inc.Key, why),
	}, fmt.Sprintf("%s/post/page/%s/%s", inc.Key, ref, user))
}

func (s *Service) runPageNotify(ctx context.Context, j Job) error {
	var p notifyPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode page.notify payload: %w", err)
	}
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if s.paging.Pager == nil {
		return nil
	}
	if err := s.paging.Pager.Page(ctx, Page{Key: j.Key, Incident: inc, User: p.User, Why: p.Why}); err != nil {
		return fmt.Errorf("page @%s for %s: %w", p.User, inc.Key, err)
	}
	return nil
}

// stopPaging is called on ack, resolve and close: the pending step will
// find the incident no longer open and do nothing; the paging service and
// the paging post hear of it now.
func (s *Service) stopPaging(ctx context.Context, tx Tx, inc *Incident, action, actor string, now time.Time) error {
	if s.paging.Pager == nil {
		return nil
	}
	events, err := tx.Events(ctx, inc.ID)
	if err != nil {
		return err
	}
	paged := false
	for _, ev := range events {
		paged = paged || ev.Kind == EventPaged
	}
	if !paged {
		return nil // nobody was paged: nothing to stop or tell
	}
	if err := s.record(ctx, tx, inc, Event{Kind: EventEscalation, Actor: actor, At: now, Ref: fmt.Sprintf("escalation/%s/%d", action, now.UnixNano()),
		Text: "escalation stopped: " + map[string]string{"acknowledge": "acked", "resolve": string(inc.Status)}[action] + " by @" + actor}, false); err != nil {
		return err
	}
	if err := s.enqueuePagingUpdate(ctx, tx, inc, action, actor); err != nil {
		return err
	}
	return s.enqueuePagingPost(ctx, tx, inc, now)
}

// enqueuePagingUpdate tells the paging service of an ack or a resolution.
func (s *Service) enqueuePagingUpdate(ctx context.Context, tx Tx, inc *Incident, action, actor string) error {
	j, err := NewJob(JobPageUpdate, inc.ID, fmt.Sprintf("%s/page/%s/%d", inc.Key, action, s.clock.Now().UnixNano()),
		pageUpdatePayload{Action: action, Actor: actor})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

func (s *Service) runPageUpdate(ctx context.Context, j Job) error {
	var p pageUpdatePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode page.upstream payload: %w", err)
	}
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil || s.paging.Pager == nil {
		return err
	}
	if p.Action == "acknowledge" {
		return s.paging.Pager.Acknowledge(ctx, inc, p.Actor)
	}
	return s.paging.Pager.Resolve(ctx, inc)
}

// pageCommand pages a person or a schedule by hand: /incident page <who>.
func (s *Service) pageCommand(ctx context.Context, inc *Incident, actor, arg string) (Reply, error) {
	if s.paging.Pager == nil {
		return Reply{Text: "Paging is off: configure paging in warroom's config.", Failed: true}, nil
	}
	t := Target{User: strings.TrimPrefix(arg, "@")}
	if name, ok := strings.CutPrefix(arg, "schedule:"); ok {
		t = Target{Schedule: name}
	}
	if t.User == "" && t.Schedule == "" {
		return Reply{Text: "Say whom: /incident page @alice or /incident page schedule:primary", Failed: true}, nil
	}
	now := s.clock.Now()
	err := s.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Incident(ctx, inc.ID)
		if err != nil {
			return err
		}
		if err := s.pageTarget(ctx, tx, cur, t, "paged by @"+actor, fmt.Sprintf("manual/%d", now.UnixNano()), now); err != nil {
			return err
		}
		return s.enqueuePagingPost(ctx, tx, cur, now)
	})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: "Paging " + t.String() + "…"}, nil
}

// enqueuePagingPost queues the paging post's refresh: one post, edited in
// place, with who was paged when, who acked, and what fires next.
func (s *Service) enqueuePagingPost(ctx context.Context, tx Tx, inc *Incident, now time.Time) error {
	return s.enqueuePost(ctx, tx, inc, postPayload{Template: "paging", Slot: pagingPostSlot, Upsert: true},
		fmt.Sprintf("%s/post/paging/%d", inc.Key, now.UnixNano()))
}
