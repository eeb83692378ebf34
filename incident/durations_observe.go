package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// DurationObservation is one incident reaching a point for the first
// time: its first ack, or its first resolution (a close that was not
// resolved first counts as its resolution).
type DurationObservation struct {
	Point    string // "ack" or "resolve"
	Severity Severity
	Source   string
	Took     time.Duration // since the incident opened
}

// JobObserveDuration hands a first ack or resolution to the metrics. It is
// a job so that it is observed once per incident across replicas: its
// key is unique per incident and point, it commits with the change (so a
// rolled-back change observes nothing) and it runs on one replica, which
// counts it in its own histogram; summed over the replicas, each incident
// is counted once.
const JobObserveDuration JobKind = "metrics.observe"

func init() {
	RegisterKind(JobObserveDuration, KindSpec{Lane: "metrics", Backend: BackendInternal})
}

// durationObserver reacts to the first ack and the first resolution of an
// incident by enqueuing its observation.
type durationObserver struct {
	store   Store
	observe func(DurationObservation)
}

// RegisterJobs gives the runner the observation handler.
func (d *durationObserver) RegisterJobs(r *Runner) { r.Handle(JobObserveDuration, d.run) }

// React enqueues the observation of a first ack or resolution. "First"
// is judged on the timeline: a reopened incident acked again is not
// counted again (the job key alone would forget after jobs.retention).
func (d *durationObserver) React(ctx context.Context, tx Txn, c Change) error {
	ev := c.Event
	point := pointOf(ev)
	if ev.Kind != EventStatusChanged || point == "" {
		return nil
	}
	events, err := tx.Events(ctx, c.Incident.ID)
	if err != nil {
		return err
	}
	for _, e := range events {
		if e.ID != ev.ID && pointOf(e) == point {
			return nil // reached before
		}
	}
	o := DurationObservation{Point: point, Severity: c.Incident.Severity, Source: c.Incident.Source, Took: ev.At.Sub(c.Incident.CreatedAt)}
	j, err := NewJob(JobObserveDuration, c.Incident.ID, fmt.Sprintf("%s/observe/%s", c.Incident.Key, point), observePayload{
		Point: o.Point, Severity: o.Severity.String(), Source: o.Source, TookNanos: int64(o.Took)})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// pointOf is the point a status change reaches, "" for none.
func pointOf(e Event) string {
	if e.Kind != EventStatusChanged {
		return ""
	}
	switch {
	case e.To == StatusAcked:
		return "ack"
	case e.To == StatusResolved, e.To == StatusClosed && e.From != StatusResolved:
		return "resolve"
	}
	return ""
}

type observePayload struct {
	Point     string `json:"point"`
	Severity  string `json:"severity"`
	Source    string `json:"source"`
	TookNanos int64  `json:"took_ns"`
}

func (d *durationObserver) run(ctx context.Context, j Job) error {
	var p observePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode metrics.observe payload: %w", err)
	}
	sev, err := ParseSeverity(p.Severity)
	if err != nil {
		return Errorf(KindPermanent, "metrics.observe: %w", err)
	}
	if d.observe != nil {
		d.observe(DurationObservation{Point: p.Point, Severity: sev, Source: p.Source, Took: time.Duration(p.TookNanos)})
	}
	return nil
}
