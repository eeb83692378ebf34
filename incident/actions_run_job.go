package incident

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The kinds of job of actions. A run goes in the incident's own action
// lane, so a long action never holds up the channel's posts, and the
// actions of one incident run one after the other, in the order asked;
// what it posts goes in the chat lane, after the channel.
const (
	JobActionRun  JobKind = "action.run"  // run an action once
	JobActionPost JobKind = "action.post" // post a run's card, outcome or output
)

// BackendActions is what actions talk to: their HTTP endpoints and
// local commands.
const BackendActions = "actions"

// MaxActionTimeout bounds an action's timeout; its job may run a minute
// longer, to record the outcome.
const MaxActionTimeout = time.Hour

func init() {
	RegisterKind(JobActionRun, KindSpec{Lane: "action", Backend: BackendActions, Timeout: MaxActionTimeout + time.Minute})
	RegisterKind(JobActionPost, KindSpec{Lane: "chat", Backend: BackendChat})
}

// RegisterJobs gives the runner the handlers of actions.
func (a *ActionRuns) RegisterJobs(r *Runner) {
	r.Handle(JobActionRun, a.runJob)
	r.Handle(JobActionPost, a.postJob)
}

// runPayload names the run a job is about.
type runPayload struct {
	Run  int64  `json:"run"`
	What string `json:"what,omitempty"` // for posts: confirm, result, unknown
}

func enqueueRun(ctx context.Context, tx Tx, inc *Incident, r *ActionRun) error {
	j, err := NewJob(JobActionRun, inc.ID, fmt.Sprintf("%s/action/%d/run", inc.Key, r.ID), runPayload{Run: r.ID})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// The posts of a run.
const (
	postConfirm = "confirm" // the card with its Confirm button
	postResult  = "result"  // the outcome, the output and its file
	postUnknown = "unknown" // warroom stopped while it ran
)

func enqueueRunPost(ctx context.Context, tx Tx, inc *Incident, r *ActionRun, what string) error {
	key := fmt.Sprintf("%s/action/%d/%s/%d", inc.Key, r.ID, what, r.Attempts)
	j, err := NewJob(JobActionPost, inc.ID, key, runPayload{Run: r.ID, What: what})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

func decodeRunPayload(j Job) (runPayload, error) {
	var p runPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.Run == 0 {
		return p, Errorf(KindPermanent, "decode %s payload %s: %v", j.Kind, j.Payload, err)
	}
	return p, nil
}

// runJob runs an action once. The run is marked started in a transaction
// of its own, committed before anything executes: a job that finds its
// run started (warroom stopped while it ran, or could not record the
// end) reports the outcome as unknown instead of running it again, unless
// the action is idempotent. What the action did, good or bad, is its
// outcome, never a reason to retry.
func (a *ActionRuns) runJob(ctx context.Context, j Job) error {
	p, err := decodeRunPayload(j)
	if err != nil {
		return err
	}
	run, err := a.store.ActionRun(ctx, p.Run)
	if err != nil {
		return err
	}
	spec, configured := a.catalog.specOf(run.Action)
	switch {
	case run.State == RunFinished || run.State == RunUnknown:
		return nil
	case run.State == RunRequested:
		return Errorf(KindPermanent, "run %d of %s is not confirmed; it runs once someone confirms it", run.ID, run.Action)
	case run.State == RunStarted && (!configured || !spec.Idempotent):
		return a.markUnknown(ctx, run)
	case !configured:
		return a.finish(ctx, run, run.Attempts, ActionResult{Status: "not run: the action is no longer configured"}, 0, nil)
	}
	attempt, err := a.markStarted(ctx, run.ID, spec)
	if err != nil || attempt == 0 {
		return err
	}
	in := ActionInput{Run: run.ID, Actor: run.Actor, Params: run.Params}
	if in.Incident, err = a.store.Incident(ctx, run.IncidentID); err != nil {
		in.Incident = &Incident{ID: run.IncidentID, Key: FormatKey(run.IncidentID)}
	}
	ectx, cancel := context.WithTimeout(ctx, spec.Timeout)
	start := time.Now()
	res, execErr := a.catalog.Exec.Execute(ectx, spec.Name, in)
	took := time.Since(start)
	if errors.Is(ectx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		res.TimedOut = true
	}
	cancel()
	if ctx.Err() != nil && !res.TimedOut {
		execErr = fmt.Errorf("warroom stopped it (shutting down, or its job's lease was lost): %w", context.Cause(ctx))
	}
	// The outcome is recorded even when ctx is done: the action ran.
	return a.finish(context.WithoutCancel(ctx), run, attempt, res, took, execErr)
}

// markStarted marks the run started in its own committed transaction and
// returns the attempt's number, or 0 when the run may not start (another
// attempt started it meanwhile).
func (a *ActionRuns) markStarted(ctx context.Context, id int64, spec ActionSpec) (int, error) {
	attempt := 0
	err := a.store.Update(ctx, func(tx Tx) error {
		r, err := tx.ActionRun(ctx, id)
		if err != nil {
			return err
		}
		if r.State != RunConfirmed && (r.State != RunStarted || !spec.Idempotent) {
			return nil
		}
		now := a.clock.Now()
		r.State, r.StartedAt = RunStarted, &now
		r.Attempts++
		attempt = r.Attempts
		return tx.UpdateActionRun(ctx, r)
	})
	return attempt, err
}

// finish records the outcome of attempt, on the run and the timeline, and
// queues its post, unless another attempt has taken the run since.
func (a *ActionRuns) finish(ctx context.Context, run *ActionRun, attempt int, res ActionResult, took time.Duration, execErr error) error {
	outcome := outcomeText(res, took, execErr, a.timeoutOf(run))
	return a.life.Update(ctx, func(tx Txn) error {
		r, err := tx.ActionRun(ctx, run.ID)
		if err != nil {
			return err
		}
		if r.State == RunFinished || r.State == RunUnknown || r.Attempts != attempt {
			return nil
		}
		inc, err := tx.Incident(ctx, r.IncidentID)
		if err != nil {
			return err
		}
		now := a.clock.Now()
		r.State, r.OK, r.Outcome, r.Output, r.FinishedAt = RunFinished, res.OK && execErr == nil && !res.TimedOut, outcome, res.Output, &now
		if err := tx.UpdateActionRun(ctx, r); err != nil {
			return err
		}
		ev := Event{Kind: EventActionFinished, Actor: r.Actor, At: now, Ref: fmt.Sprintf("%s/%d", runRef(r), attempt),
			Text: fmt.Sprintf("%s by @%s (run %d): %s", describeRun(r), r.Actor, r.ID, outcome)}
		if err := tx.Record(ctx, inc, ev, false); err != nil {
			return err
		}
		return enqueueRunPost(ctx, tx, inc, r, postResult)
	})
}

// markUnknown records that a run started and warroom stopped before its
// outcome was recorded: it is not run again.
func (a *ActionRuns) markUnknown(ctx context.Context, run *ActionRun) error {
	return a.life.Update(ctx, func(tx Txn) error {
		r, err := tx.ActionRun(ctx, run.ID)
		if err != nil {
			return err
		}
		if r.State != RunStarted {
			return nil
		}
		inc, err := tx.Incident(ctx, r.IncidentID)
		if err != nil {
			return err
		}
		now := a.clock.Now()
		since := ""
		if r.StartedAt != nil {
			since = " (started " + r.StartedAt.Format("15:04:05 UTC") + ")"
		}
		r.State, r.FinishedAt = RunUnknown, &now
		r.Outcome = "outcome unknown: warroom stopped while it ran" + since + "; it is not run again: check by hand what it did"
		if err := tx.UpdateActionRun(ctx, r); err != nil {
			return err
		}
		ev := Event{Kind: EventActionUnknown, Actor: r.Actor, At: now, Ref: runRef(r),
			Text: fmt.Sprintf("%s by @%s (run %d): %s", describeRun(r), r.Actor, r.ID, r.Outcome)}
		if err := tx.Record(ctx, inc, ev, false); err != nil {
			return err
		}
		return enqueueRunPost(ctx, tx, inc, r, postUnknown)
	})
}

func (a *ActionRuns) timeoutOf(r *ActionRun) time.Duration {
	s, _ := a.catalog.specOf(r.Action)
	return s.Timeout
}

// outcomeText says how a run ended and how long it took, and for a
// timeout what ran.
func outcomeText(res ActionResult, took time.Duration, execErr error, timeout time.Duration) string {
	ran := ""
	if res.Ran != "" {
		// In code, so chat servers make no link preview of a URL (a GET
		// to the action's endpoint).
		ran = " (ran `" + res.Ran + "`)"
		if strings.Contains(res.Ran, "`") {
			ran = " (ran `` " + res.Ran + " ``)"
		}
	}
	switch {
	case res.TimedOut:
		return fmt.Sprintf("timed out after %s, its timeout, and was stopped%s; raise the action's timeout if it needs longer", elapsed(timeout), ran)
	case execErr != nil:
		return fmt.Sprintf("failed after %s: %v%s", elapsed(took), execErr, ran)
	case res.Status == "":
		return "not run"
	}
	return fmt.Sprintf("%s in %s%s", res.Status, elapsed(took), ran)
}

// maxPostedOutput is how much output a post shows; the whole of it is the
// post's file.
const maxPostedOutput = 4 << 10

// postJob posts a run's card (a confirmation), its outcome with its
// output, or that its outcome is unknown.
func (a *ActionRuns) postJob(ctx context.Context, j Job) error {
	p, err := decodeRunPayload(j)
	if err != nil {
		return err
	}
	run, err := a.store.ActionRun(ctx, p.Run)
	if err != nil {
		return err
	}
	inc, err := a.store.Incident(ctx, run.IncidentID)
	if err != nil {
		return err
	}
	if inc.Channel.Empty() {
		return Errorf(KindPermanent, "%s has no channel to post run %d in: opening it failed (see the timeline); retry the channel job first", inc.Key, run.ID)
	}
	post := Post{Key: j.Key, Retry: j.Attempts > 1}
	head := fmt.Sprintf("**%s** by @%s (run %d)", describeRun(run), run.Actor, run.ID)
	switch p.What {
	case postConfirm:
		post.Text = fmt.Sprintf("@%s asks to run **%s** (run %d). It needs a confirmation by someone who may run it: press Confirm, or type `/incident confirm %d`.",
			run.Actor, describeRun(run), run.ID, run.ID)
		post.Card = a.confirmCard(run)
	case postUnknown:
		post.Text = head + ": " + run.Outcome
	default:
		post.Text, post.Files = resultPost(head, run)
	}
	id, err := a.chat.Post(ctx, inc.Channel, post)
	if err != nil {
		return fmt.Errorf("post run %d to %s: %w", run.ID, inc.Channel.Name, err)
	}
	if p.What != postResult {
		return nil
	}
	return a.store.Update(ctx, func(tx Tx) error {
		r, err := tx.ActionRun(ctx, run.ID)
		if err != nil {
			return err
		}
		r.OutputPost = id
		return tx.UpdateActionRun(ctx, r)
	})
}

// resultPost is the outcome, the output's first few KB in a code block,
// and the whole output as a file (which the transcript keeps).
func resultPost(head string, run *ActionRun) (string, []File) {
	mark := "✅"
	if !run.OK {
		mark = "❌"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s", mark, head, run.Outcome)
	if len(run.Output) == 0 {
		b.WriteString("\n(no output)")
		return b.String(), nil
	}
	shown, cut := cutOutput(run.Output, maxPostedOutput)
	fence := "```"
	for strings.Contains(shown, fence) {
		fence += "`"
	}
	fmt.Fprintf(&b, "\n%s\n%s\n%s", fence, strings.TrimRight(shown, "\n"), fence)
	name := fmt.Sprintf("%s-run-%d.txt", run.Action, run.ID)
	if cut {
		fmt.Fprintf(&b, "\n(the first %d KB of %d bytes; the whole output is in %s)", maxPostedOutput>>10, len(run.Output), name)
	}
	return b.String(), []File{{Name: name, Type: "text/plain", Data: run.Output}}
}

// cutOutput keeps at most n bytes of out, cut at a line's end where one is
// near, never inside a UTF-8 character.
func cutOutput(out []byte, n int) (string, bool) {
	if len(out) <= n {
		return string(out), false
	}
	cut := n
	for cut > 0 && out[cut]&0xC0 == 0x80 {
		cut--
	}
	if nl := strings.LastIndexByte(string(out[:cut]), '\n'); nl > n/2 {
		cut = nl + 1
	}
	return string(out[:cut]), true
}

// confirmCard is the card of a run that waits for a confirmation, with
// its Confirm button.
func (a *ActionRuns) confirmCard(run *ActionRun) *Card {
	spec, _ := a.catalog.specOf(run.Action)
	c := &Card{Title: fmt.Sprintf("Confirm %s (run %d)", run.Action, run.ID), Text: spec.Description, Severity: SeverityWarning}
	c.Fields = append(c.Fields, Field{Title: "Asked by", Value: "@" + run.Actor, Short: true})
	for _, name := range sortedKeys(run.Params) {
		c.Fields = append(c.Fields, Field{Title: name, Value: run.Params[name], Short: true})
	}
	c.Actions = []Action{{ID: fmt.Sprintf("confirm%d", run.ID), Label: "Confirm", Command: fmt.Sprintf("confirm %d", run.ID)}}
	return c
}

// suggestedActionsCard offers a runbook's suggested actions as buttons;
// nil when it suggests none. Each suggestion is a /incident run line
// (an action and its parameters).
func suggestedActionsCard(rb Runbook) *Card {
	if len(rb.Actions) == 0 {
		return nil
	}
	c := &Card{Title: "Suggested actions", Severity: SeverityInfo,
		Text: "From the runbook " + rb.Title + ": each button runs `/incident run` with what it says."}
	for i, line := range rb.Actions {
		c.Actions = append(c.Actions, Action{ID: fmt.Sprintf("suggested%d", i), Label: "Run " + line, Command: "run " + line})
	}
	return c
}
