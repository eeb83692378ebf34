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

// DefaultReminders is the status cadence when the config sets none:
// critical every 30 minutes, high every hour, the others never.
func DefaultReminders() map[Severity]time.Duration {
	return map[Severity]time.Duration{SeverityCritical: 30 * time.Minute, SeverityHigh: time.Hour}
}

// Reminders keeps the status cadence (Playbooks' reminder timer): while an
// incident is open or acked, a reminder goes to its channel, mentioning
// the commander, whenever no status update was posted for its severity's
// interval. The clock starts at the opening, and again at every status
// update, reminder and reopen; a severity change changes the interval.
//
// The wait is not a job: when the next update is due follows from the
// timeline, so nothing needs to be stored for it, and a queue of jobs due
// in half an hour would be outstanding work that is not work. RemindDue
// (run every RemindEvery by one replica, WatchReminders) finds the
// incidents whose update is overdue and, in one transaction each, records
// the reminder (its ref names the due time, so a second sweep, a second
// replica or a restart adds none) and queues its post as a durable job.
// Resolving stops them, reopening starts them again.
type Reminders struct {
	store  Store
	chat   Chat
	every  map[Severity]time.Duration
	router Router
	life   *Service
}

// RemindEvery is how often WatchReminders looks for overdue status
// updates: a reminder goes out at most this late.
const RemindEvery = 30 * time.Second

func newReminders(d Deps, life *Service) *Reminders {
	every := d.Reminders
	if every == nil {
		every = DefaultReminders()
	}
	return &Reminders{store: d.Store, chat: d.Chat, every: every, router: d.Router, life: life}
}

// RegisterJobs gives the runner the broadcast handler.
func (r *Reminders) RegisterJobs(run *Runner) {
	run.Handle(JobBroadcast, r.runBroadcast)
}

// React queues the stakeholder broadcast of a status update.
func (r *Reminders) React(ctx context.Context, tx Txn, c Change) error {
	if c.Event.Kind == EventStatusUpdate {
		return r.enqueueBroadcast(ctx, tx, c.Incident, c.Event)
	}
	return nil
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

// NextReminder is when inc's next reminder is due given its timeline, and
// false when it gets none (resolved or later, or a severity without a
// cadence).
func NextReminder(inc *Incident, events []Event, every map[Severity]time.Duration) (time.Time, bool) {
	d := every[inc.Severity]
	if d <= 0 || !reminding(inc) || inc.Parent != "" {
		return time.Time{}, false
	}
	return lastCadenceMark(inc, events).Add(d), true
}

// WatchReminders runs RemindDue every interval until ctx ends, kicking the
// runner after a sweep that queued posts. Run it on one replica at a time
// (a singleton); two at once would add nothing twice, only work twice.
func (s *Service) WatchReminders(ctx context.Context, every time.Duration, kick func()) {
	for {
		n, err := s.RemindDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("look for overdue status updates", "err", err)
		case n > 0 && kick != nil:
			kick()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// RemindDue reminds every live incident whose status update is overdue at
// the Service's clock, once per due time, and returns how many it
// reminded.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	r := s.reminders
	if len(r.every) == 0 {
		return 0, nil
	}
	// Pages of the stores' largest page (500); an incident that moves
	// between two pages is seen by the next sweep, or twice (which adds
	// nothing).
	var live []*Incident
	for offset := 0; ; offset += 500 {
		page, err := s.store.Incidents(ctx, Filter{Status: []Status{StatusOpen, StatusAcked}, Limit: 500, Offset: offset})
		if err != nil {
			return 0, fmt.Errorf("list live incidents: %w", err)
		}
		live = append(live, page...)
		if len(page) < 500 {
			break
		}
	}
	n, now := 0, s.clock.Now()
	for _, inc := range live {
		if r.every[inc.Severity] <= 0 || inc.Parent != "" {
			continue
		}
		// Read first, write only when due: most sweeps find nothing due,
		// and a write transaction per live incident every 30s would
		// queue behind the real work on a single-writer store.
		events, err := s.store.Events(ctx, inc.ID)
		if err != nil {
			return n, fmt.Errorf("read %s's timeline: %w", inc.Key, err)
		}
		if due, ok := NextReminder(inc, events, r.every); !ok || now.Before(due) {
			continue
		}
		done, err := r.remind(ctx, inc.ID)
		if err != nil {
			return n, fmt.Errorf("remind %s: %w", inc.Key, err)
		}
		if done {
			n++
		}
	}
	return n, nil
}

// remind records the reminder of one incident and queues its post when
// its update is overdue, all in one transaction; it reports whether it did.
func (r *Reminders) remind(ctx context.Context, id int64) (bool, error) {
	reminded := false
	err := r.life.Update(ctx, func(tx Txn) error {
		inc, err := tx.Incident(ctx, id)
		if err != nil {
			return err
		}
		events, err := tx.Events(ctx, inc.ID)
		if err != nil {
			return err
		}
		due, ok := NextReminder(inc, events, r.every)
		now := tx.Now()
		if !ok || now.Before(due) {
			return nil
		}
		mark, every := lastCadenceMark(inc, events), r.every[inc.Severity]
		ev := Event{IncidentID: inc.ID, Kind: EventStatusReminder, Actor: "warroom", At: now, RecordedAt: now, Ref: fmt.Sprintf("reminder/%d", due.UnixNano()),
			Text: "no status update for " + formatEvery(now.Sub(mark))}
		added, err := tx.AddEvent(ctx, &ev)
		if err != nil || !added {
			return err
		}
		if err := enqueuePost(ctx, tx, inc, PostSpec{Text: reminderText(inc, now.Sub(mark), every)}, postKey(inc, "reminder", due.UnixNano())); err != nil {
			return err
		}
		reminded = true
		return nil
	})
	return reminded && err == nil, err
}

// reminderText is the reminder's post: whom it is for, how long it has
// been, and what to type.
func reminderText(inc *Incident, since, every time.Duration) string {
	who := "nobody leads it yet: `/incident commander @you` to take it"
	if inc.Commander != "" {
		who = "@" + inc.Commander
	}
	return fmt.Sprintf("⏰ %s: no status update on %s for %s (%s incidents get one every %s). Post one with `/incident status <what is happening>`.",
		who, inc.Key, formatEvery(since), inc.Severity, formatEvery(every))
}

// formatEvery writes a duration as people say it: 30m, 1h, 1h30m.
func formatEvery(d time.Duration) string {
	d = d.Truncate(time.Minute)
	if d < time.Minute {
		return "less than a minute"
	}
	s := strings.TrimSuffix(d.String(), "0s") // 1h30m0s -> 1h30m, 30m0s -> 30m
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m") // 1h0m -> 1h
	}
	return s
}
