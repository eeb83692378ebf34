package incident

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// ActionRuns runs ChatOps actions from an incident's channel: it checks a
// request against the catalog (the action, its parameters, who may run
// it), records it on the timeline, waits for a confirmation where the
// action needs one, and runs it as a durable job that never runs it twice
// for one request (actions_run_job.go).
type ActionRuns struct {
	catalog *ActionCatalog // nil: no actions configured
	store   Store
	chat    Chat
	clock   Clock
	log     *slog.Logger
	life    *Service
}

// The timeline events of actions.
const (
	EventActionRequested EventKind = "action_requested" // someone asked to run an action
	EventActionConfirmed EventKind = "action_confirmed" // someone confirmed a run that needs it
	EventActionFinished  EventKind = "action_finished"  // a run ended: its status and duration
	EventActionUnknown   EventKind = "action_unknown"   // a run started and warroom stopped: outcome unknown
	EventActionRefused   EventKind = "action_refused"   // a request was refused: who tried what, and why
)

func newActionRuns(d Deps, s *Service) *ActionRuns {
	return &ActionRuns{catalog: d.Actions, store: d.Store, chat: d.Chat, clock: d.Clock, log: d.Logger, life: s}
}

// request is /incident run <action> [name=value ...].
func (a *ActionRuns) request(ctx context.Context, c commandCall) (Reply, error) {
	if a.catalog == nil || len(a.catalog.Specs) == 0 {
		return a.refuse(ctx, c, KindConflict, "no actions are configured: add them under actions: in warroom's config")
	}
	spec, params, err := a.catalog.parseRunArgs(c.Arg)
	if err != nil {
		return a.refuse(ctx, c, ErrorKind(err), ErrorMessage(err))
	}
	if !a.catalog.allowed(spec, c.Req.Actor) {
		return a.refuse(ctx, c, KindForbidden, fmt.Sprintf("@%s may not run %s; who may: %s", c.Req.Actor, spec.Name, a.catalog.whoMay(spec)))
	}
	if !c.Inc.Status.Active() {
		return a.refuse(ctx, c, KindConflict, fmt.Sprintf("%s is %s: actions run only while an incident is open, acked or resolved", c.Inc.Key, c.Inc.Status))
	}
	now := a.clock.Now()
	run := &ActionRun{IncidentID: c.Inc.ID, Action: spec.Name, Params: params, Actor: c.Req.Actor, State: RunConfirmed, RequestedAt: now}
	if spec.Confirm {
		run.State = RunRequested
	}
	err = a.life.Update(ctx, func(tx Txn) error {
		if err := tx.CreateActionRun(ctx, run); err != nil {
			return err
		}
		text := fmt.Sprintf("@%s runs %s (run %d)", run.Actor, describeRun(run), run.ID)
		if spec.Confirm {
			text = fmt.Sprintf("@%s asks to run %s (run %d); it waits for a confirmation", run.Actor, describeRun(run), run.ID)
		}
		if err := tx.Record(ctx, c.Inc, Event{Kind: EventActionRequested, Actor: run.Actor, Text: text, At: now, Ref: runRef(run)}, false); err != nil {
			return err
		}
		if spec.Confirm {
			return enqueueRunPost(ctx, tx, c.Inc, run, postConfirm)
		}
		return enqueueRun(ctx, tx, c.Inc, run)
	})
	if err != nil {
		return failed(err)
	}
	if spec.Confirm {
		return Reply{Text: fmt.Sprintf("Run %d of %s waits for a confirmation by someone who may run it (%s): press Confirm on its card, or type /incident confirm %d.",
			run.ID, spec.Name, a.catalog.whoMay(spec), run.ID)}, nil
	}
	return Reply{Text: fmt.Sprintf("@%s runs %s (run %d); its output follows here.", run.Actor, describeRun(run), run.ID), Public: true}, nil
}

// confirm is /incident confirm <run>: someone who may run the action lets
// a run that waits for it start.
func (a *ActionRuns) confirm(ctx context.Context, c commandCall) (Reply, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(c.Arg), "#"), 10, 64)
	if err != nil || id <= 0 {
		return failed(Errorf(KindInvalid, "%q is not a run number: /incident confirm <run>, the number the request answered with", c.Arg))
	}
	var reply string
	err = a.life.Update(ctx, func(tx Txn) error {
		run, err := tx.ActionRun(ctx, id)
		if err != nil || run.IncidentID != c.Inc.ID {
			return Errorf(KindNotFound, "%s has no run %d: confirm it in the channel of its incident", c.Inc.Key, id)
		}
		if run.State != RunRequested {
			return Errorf(KindConflict, "run %d of %s is %s already (by @%s); nothing to confirm", id, run.Action, run.State, orAsker(run))
		}
		spec, ok := a.catalog.specOf(run.Action)
		if !ok {
			return Errorf(KindConflict, "run %d: the action %s is no longer configured", id, run.Action)
		}
		if !a.catalog.allowed(spec, c.Req.Actor) {
			return Errorf(KindForbidden, "@%s may not confirm %s; who may: %s", c.Req.Actor, spec.Name, a.catalog.whoMay(spec))
		}
		run.State, run.ConfirmedBy = RunConfirmed, c.Req.Actor
		if err := tx.UpdateActionRun(ctx, run); err != nil {
			return err
		}
		reply = fmt.Sprintf("@%s confirmed run %d: %s asked by @%s; its output follows here.", c.Req.Actor, id, describeRun(run), run.Actor)
		ev := Event{Kind: EventActionConfirmed, Actor: c.Req.Actor, Text: fmt.Sprintf("@%s confirmed %s (run %d, asked by @%s)",
			c.Req.Actor, describeRun(run), id, run.Actor), Ref: runRef(run)}
		if err := tx.Record(ctx, c.Inc, ev, false); err != nil {
			return err
		}
		return enqueueRun(ctx, tx, c.Inc, run)
	})
	if ErrorKind(err) == KindForbidden {
		return a.refuse(ctx, c, KindForbidden, ErrorMessage(err))
	}
	if err != nil {
		return failed(err)
	}
	return Reply{Text: reply, Public: true}, nil
}

// list is /incident actions: every action, how to type it, what it does
// and whether the asker may run it.
func (a *ActionRuns) list(c commandCall) Reply {
	if a.catalog == nil || len(a.catalog.Specs) == 0 {
		return Reply{Text: "No actions are configured: add them under actions: in warroom's config (see warroom.example.yaml)."}
	}
	var b strings.Builder
	b.WriteString("Actions, run in an incident channel with /incident run (quote a value with spaces: name=\"two words\"):\n")
	for _, s := range a.catalog.Specs {
		fmt.Fprintf(&b, "- `/incident %s`: %s", s.usage(), s.Description)
		var notes []string
		if a.catalog.allowed(s, c.Req.Actor) {
			notes = append(notes, "you may run it")
		} else {
			notes = append(notes, "you may not run it; who may: "+a.catalog.whoMay(s))
		}
		if s.Confirm {
			notes = append(notes, "needs a confirmation")
		}
		notes = append(notes, "timeout "+s.Timeout.String())
		fmt.Fprintf(&b, " (%s)\n", strings.Join(notes, "; "))
	}
	return Reply{Text: b.String()}
}

// refuse answers a request that cannot run with what to do instead, and
// puts who tried what on the timeline.
func (a *ActionRuns) refuse(ctx context.Context, c commandCall, kind Kind, why string) (Reply, error) {
	if kind == "" {
		kind = KindInvalid
	}
	ev := Event{Kind: EventActionRefused, Actor: c.Req.Actor,
		Text: fmt.Sprintf("@%s tried /incident %s %s: refused: %s", c.Req.Actor, c.cmdName(), c.Arg, why)}
	err := a.life.Update(ctx, func(tx Txn) error { return tx.Record(ctx, c.Inc, ev, false) })
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: why, Failed: true, Kind: kind}, nil
}

// cmdName is the command the call runs, for the timeline.
func (c commandCall) cmdName() string {
	name, _, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(c.Req.Text), "/incident"), "!incident")), " ")
	return strings.ToLower(name)
}

// specOf finds an action; a nil catalog has none.
func (c *ActionCatalog) specOf(name string) (ActionSpec, bool) {
	if c == nil {
		return ActionSpec{}, false
	}
	return c.spec(name)
}

// describeRun is "action p=v ..." as typed.
func describeRun(r *ActionRun) string {
	if len(r.Params) == 0 {
		return r.Action
	}
	return r.Action + " " + formatParams(r.Params)
}

func orAsker(r *ActionRun) string {
	if r.ConfirmedBy != "" {
		return r.ConfirmedBy
	}
	return r.Actor
}

// runRef makes each event of a run unique per kind.
func runRef(r *ActionRun) string { return "run/" + strconv.FormatInt(r.ID, 10) }

// elapsed is a duration rounded for people.
func elapsed(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
