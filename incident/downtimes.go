package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Downtimes is Icinga 2's downtime actions as the domain needs them
// (integrations/icinga2 implements it). Refusals are KindPermanent or
// KindInvalid, outages KindTransient.
type Downtimes interface {
	// Schedule schedules a fixed downtime of the incident's host or
	// service; one whose comment already holds d.Marker (an earlier
	// attempt's) is adopted.
	Schedule(ctx context.Context, inc *Incident, d Downtime) error
	// Cancel removes the incident's object's downtimes whose comment holds
	// marker and says how many it removed (0: none, which is done too).
	Cancel(ctx context.Context, inc *Incident, marker string) (int, error)
}

// Downtime is one downtime to schedule.
type Downtime struct {
	Author  string
	Comment string // what the person said, then Marker
	Marker  string
	Start   time.Time
	End     time.Time
}

// The downtimes' timeline events.
const (
	EventDowntimeScheduled EventKind = "downtime_scheduled"
	EventDowntimeCancelled EventKind = "downtime_cancelled"
	EventDowntimeRefused   EventKind = "downtime_refused"
)

// The downtimes' jobs, in their own lane.
const (
	JobDowntimeSchedule JobKind = "downtime.schedule"
	JobDowntimeCancel   JobKind = "downtime.cancel"
)

func init() {
	RegisterKind(JobDowntimeSchedule, KindSpec{Lane: "downtime", Backend: BackendUpstream})
	RegisterKind(JobDowntimeCancel, KindSpec{Lane: "downtime", Backend: BackendUpstream})
}

// downtimeMarker ends the comment of every downtime made from an
// incident: how cancel finds them, and a retry what it made.
func downtimeMarker(inc *Incident) string { return "[warroom " + inc.Key + "]" }

type downtimePayload struct {
	Actor   string    `json:"actor"`
	Comment string    `json:"comment,omitempty"`
	Start   time.Time `json:"start,omitzero"`
	End     time.Time `json:"end,omitzero"`
}

// DowntimeEffects schedules and cancels downtimes from chat as durable jobs.
type DowntimeEffects struct {
	life      *Service
	downtimes Downtimes
	source    string // the source whose incidents have an object to put in downtime
}

// RegisterJobs gives the runner the downtimes' handlers.
func (e *DowntimeEffects) RegisterJobs(r *Runner) {
	r.Handle(JobDowntimeSchedule, e.runSchedule)
	r.Handle(JobDowntimeCancel, e.runCancel)
}

// errNoDowntimes parks a downtime job run by a warroom without Icinga 2's API.
var errNoDowntimes = Errorf(KindPermanent, "downtimes need Icinga 2's API: set sources.icinga2.url, user and password, then retry the job")

func (e *DowntimeEffects) runSchedule(ctx context.Context, j Job) error {
	if e.downtimes == nil {
		return errNoDowntimes
	}
	var p downtimePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode downtime.schedule payload: %w", err)
	}
	inc, err := e.life.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	marker := downtimeMarker(inc) + " " + j.Key
	err = e.downtimes.Schedule(ctx, inc, Downtime{Author: p.Actor, Comment: p.Comment + " " + marker, Marker: marker, Start: p.Start, End: p.End})
	switch k := ErrorKind(err); {
	case err == nil:
		text := fmt.Sprintf("🛠 @%s scheduled downtime for %s lasting %s because %s (until %s).", p.Actor, inc.DedupKey,
			plainLength(p.End.Sub(p.Start)), p.Comment, p.End.UTC().Format("2006-01-02 15:04 MST"))
		return e.record(ctx, inc, Event{Kind: EventDowntimeScheduled, Actor: p.Actor, Text: text, Ref: j.Key}, j.Key)
	case k == KindPermanent || k == KindInvalid:
		text := fmt.Sprintf("⚠️ Icinga 2 refused the downtime of %s asked by @%s, so none was scheduled: %s. Type, e.g.: /incident downtime 2h DB maintenance",
			inc.DedupKey, p.Actor, ErrorMessage(err))
		return e.record(ctx, inc, Event{Kind: EventDowntimeRefused, Actor: p.Actor, Text: text, Ref: j.Key}, j.Key)
	}
	return fmt.Errorf("schedule a downtime of %s for %s: %w", inc.DedupKey, inc.Key, err)
}

func (e *DowntimeEffects) runCancel(ctx context.Context, j Job) error {
	if e.downtimes == nil {
		return errNoDowntimes
	}
	var p downtimePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode downtime.cancel payload: %w", err)
	}
	inc, err := e.life.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	n, err := e.downtimes.Cancel(ctx, inc, downtimeMarker(inc))
	if err != nil {
		return fmt.Errorf("cancel the downtimes of %s for %s: %w", inc.DedupKey, inc.Key, err)
	}
	text := fmt.Sprintf("🛠 @%s cancelled the downtime of %s.", p.Actor, inc.DedupKey)
	if n == 0 {
		text = fmt.Sprintf("%s has no downtime made from %s to cancel; make one with /incident downtime 2h <comment>.", inc.DedupKey, inc.Key)
	}
	return e.record(ctx, inc, Event{Kind: EventDowntimeCancelled, Actor: p.Actor, Text: text, Ref: j.Key}, j.Key)
}

func (e *DowntimeEffects) record(ctx context.Context, inc *Incident, ev Event, jobKey string) error {
	return e.life.Update(ctx, func(tx Txn) error {
		if err := tx.Record(ctx, inc, ev, false); err != nil {
			return err
		}
		return enqueuePost(ctx, tx, inc, PostSpec{Text: ev.Text}, jobKey+"/post")
	})
}

// plainLength says a duration in words: "2 days", "3 hours", "90 minutes".
func plainLength(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return strings.TrimSuffix(d.String(), "0s")
}
