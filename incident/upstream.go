package incident

import (
	"context"
	"encoding/json"
	"fmt"
)

// Upstream is an alert source that is told when warroom acks its incident
// (Icinga 2 acknowledges the problem; PagerDuty acknowledges the page).
type Upstream interface {
	Acknowledge(ctx context.Context, inc *Incident, actor string) error
}

// JobUpstreamAck tells the incident's source that it was acked.
const JobUpstreamAck JobKind = "upstream.ack"

func init() { RegisterKind(JobUpstreamAck, KindSpec{Lane: "upstream", Backend: BackendUpstream}) }

type upstreamPayload struct {
	Actor string `json:"actor"`
}

// UpstreamAcks tells an incident's source that warroom acked it: it
// reacts to acks by enqueuing an upstream.ack job and runs it.
type UpstreamAcks struct {
	store     Store
	upstreams map[string]Upstream
}

// RegisterJobs gives the runner the upstream ack handler.
func (u *UpstreamAcks) RegisterJobs(r *Runner) { r.Handle(JobUpstreamAck, u.runUpstreamAck) }

// React queues the ack for the incident's source, if it wants it and the
// ack did not come from there.
func (u *UpstreamAcks) React(ctx context.Context, tx Txn, c Change) error {
	inc := c.Incident
	if c.Event.Kind != EventStatusChanged || c.Event.To != StatusAcked || c.FromSource {
		return nil
	}
	if _, ok := u.upstreams[inc.Source]; !ok {
		return nil
	}
	j, err := NewJob(JobUpstreamAck, inc.ID, fmt.Sprintf("%s/upstream/ack", inc.Key), upstreamPayload{Actor: c.Event.Actor})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

func (u *UpstreamAcks) runUpstreamAck(ctx context.Context, j Job) error {
	var p upstreamPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode upstream.ack payload: %w", err)
	}
	inc, err := u.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	up, ok := u.upstreams[inc.Source]
	if !ok {
		return nil
	}
	if err := up.Acknowledge(ctx, inc, p.Actor); err != nil {
		return fmt.Errorf("acknowledge %s in %s: %w", inc.Key, inc.Source, err)
	}
	return nil
}

// AckFromSource acks the live incident of a source's object because it was
// acknowledged there (an Icinga 2 acknowledgement). It does not tell the
// source again; an incident that is already acked, or none, is fine.
func (s *Service) AckFromSource(ctx context.Context, source, dedupKey, actor string) error {
	return s.Update(ctx, func(tx Txn) error {
		inc, err := tx.ActiveIncidentByDedup(ctx, source, dedupKey)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if inc.Status != StatusOpen {
			return nil
		}
		now := s.clock.Now()
		if err := s.move(ctx, tx, inc, StatusAcked, actor+" (in "+source+")", "", now, moveOpts{fromSource: true}); err != nil {
			return err
		}
		inc.AckedBy = actor
		inc.UpdatedAt = now
		return tx.UpdateIncident(ctx, inc)
	})
}
