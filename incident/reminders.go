package incident

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// EventStatusReminder is the timeline event of a reminder that no status
// update was posted for the severity's interval.
const EventStatusReminder EventKind = "status_reminder"

// JobRemind checks, at the time a status update is due, whether one was
// posted, and reminds the channel when not. Its lane is its own, so a
// reminder scheduled for later never holds up the chat.
const JobRemind JobKind = "status.remind"

func init() {
	RegisterKind(JobRemind, KindSpec{Lane: "reminder", Backend: BackendInternal})
}

// DefaultReminders is the status cadence when the config sets none:
// critical every 30 minutes, high every hour, the others never.
func DefaultReminders() map[Severity]time.Duration {
	return map[Severity]time.Duration{SeverityCritical: 30 * time.Minute, SeverityHigh: time.Hour}
}

// Reminders keeps the status cadence (Playbooks' reminder timer): while an
// incident is open or acked, a reminder goes to its channel, mentioning
// the commander, whenever no status update was posted for its severity's
// interval. The clock starts at the opening, and again at every status
// update, reminder and reopen; a severity change changes the interval. Each check is a job at the
// time the next update is due (key: that time), so a restart neither skips
// nor doubles one; resolving stops them, reopening starts them again.
type Reminders struct {
	store  Store
	chat   Chat
	every  map[Severity]time.Duration
	router Router
	life   *Service
}

func newReminders(d Deps, life *Service) *Reminders {
	every := d.Reminders
	if every == nil {
		every = DefaultReminders()
	}
	return &Reminders{store: d.Store, chat: d.Chat, every: every, router: d.Router, life: life}
}

// RegisterJobs gives the runner the reminder and broadcast handlers.
func (r *Reminders) RegisterJobs(run *Runner) {
	run.Handle(JobRemind, r.runRemind)
	run.Handle(JobBroadcast, r.runBroadcast)
}

// React restarts the cadence when the clock starts again, and queues the
// stakeholder broadcast of a status update.
func (r *Reminders) React(ctx context.Context, tx Txn, c Change) error {
	inc, ev := c.Incident, c.Event
	if ev.Kind == EventStatusUpdate {
		if err := r.enqueueBroadcast(ctx, tx, inc, ev); err != nil {
			return err
		}
	}
	if ev.Kind == EventSeverityChanged {
		// The interval changed, not the clock: the next check is due at the
		// new interval after the last mark (at once when that is past).
		events, err := tx.Events(ctx, inc.ID)
		if err != nil {
			return err
		}
		return r.schedule(ctx, tx, inc, lastCadenceMark(inc, events))
	}
	if !restartsCadence(ev) {
		return nil
	}
	return r.schedule(ctx, tx, inc, ev.At)
}

// restartsCadence reports whether ev starts the wait for the next status
// update anew: the opening, a status update, a reminder, a reopen.
func restartsCadence(ev Event) bool {
	switch ev.Kind {
	case EventDeclared, EventStatusUpdate, EventStatusReminder:
		return true
	case EventStatusChanged:
		return ev.To == StatusOpen
	}
	return false
}

// reminding reports whether inc gets reminders now.
func reminding(inc *Incident) bool { return inc.Status == StatusOpen || inc.Status == StatusAcked }

// schedule queues the check at from + the severity's interval; a check
// already queued for that time makes it a no-op.
func (r *Reminders) schedule(ctx context.Context, tx Tx, inc *Incident, from time.Time) error {
	every := r.every[inc.Severity]
	if every <= 0 || !reminding(inc) {
		return nil
	}
	due := from.Add(every)
	j, err := NewJob(JobRemind, inc.ID, fmt.Sprintf("%s/remind/%d", inc.Key, due.UnixNano()), nil)
	if err != nil {
		return err
	}
	j.RunAt = due
	return tx.Enqueue(ctx, j)
}

// lastCadenceMark is when the wait for the next status update last
// started: the newest event that restarts it.
func lastCadenceMark(inc *Incident, events []Event) time.Time {
	mark := inc.CreatedAt
	for _, e := range events {
		if restartsCadence(e) && e.At.After(mark) {
			mark = e.At
		}
	}
	return mark
}

// runRemind reminds the channel when the update is due and none came;
// when one came meanwhile, it queues the check at the new due time. An
// incident that is resolved or later, or whose severity has no cadence,
// gets none.
func (r *Reminders) runRemind(ctx context.Context, j Job) error {
	return r.life.Update(ctx, func(tx Txn) error {
		inc, err := tx.Incident(ctx, j.IncidentID)
		if err != nil || !reminding(inc) {
			return err
		}
		every := r.every[inc.Severity]
		if every <= 0 {
			return nil
		}
		events, err := tx.Events(ctx, inc.ID)
		if err != nil {
			return err
		}
		mark := lastCadenceMark(inc, events)
		now := tx.Now()
		due := mark.Add(every)
		if now.Before(due) {
			return r.schedule(ctx, tx, inc, mark)
		}
		ev := Event{IncidentID: inc.ID, Kind: EventStatusReminder, Actor: "warroom", At: now, RecordedAt: now, Ref: fmt.Sprintf("reminder/%d", due.UnixNano()),
			Text: "no status update for " + formatEvery(now.Sub(mark))}
		added, err := tx.AddEvent(ctx, &ev)
		if err != nil || !added {
			return err
		}
		who := "nobody leads it yet: `/incident commander @you` to take it"
		if inc.Commander != "" {
			who = "@" + inc.Commander
		}
		text := fmt.Sprintf("⏰ %s: no status update on %s for %s (%s incidents get one every %s). Post one with `/incident status <what is happening>`.",
			who, inc.Key, formatEvery(now.Sub(mark)), inc.Severity, formatEvery(every))
		if err := enqueuePost(ctx, tx, inc, PostSpec{Text: text}, postKey(inc, "reminder", due.UnixNano())); err != nil {
			return err
		}
		return r.schedule(ctx, tx, inc, now)
	})
}

// formatEvery writes a duration as people say it: 30m, 1h, 1h30m.
func formatEvery(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	s := strings.TrimSuffix(d.String(), "0s") // 1h30m0s -> 1h30m
	return strings.TrimSuffix(s, "0m")        // 1h0m -> 1h
}
