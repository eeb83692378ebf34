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

type upstreamPayload struct {
	Actor string `json:"actor"`
}

// enqueueUpstreamAck queues the ack for the incident's source, if it wants it.
func (s *Service) enqueueUpstreamAck(ctx context.Context, tx Tx, inc *Incident, actor string) error {
	if _, ok := s.upstreams[inc.Source]; !ok {
		return nil
	}
	j, err := NewJob(JobUpstreamAck, inc.ID, fmt.Sprintf("%s/upstream/ack", inc.Key), upstreamPayload{Actor: actor})
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

func (s *Service) runUpstreamAck(ctx context.Context, j Job) error {
	var p upstreamPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return Errorf(KindPermanent, "decode upstream.ack payload: %w", err)
	}
	inc, err := s.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	up, ok := s.upstreams[inc.Source]
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
	return s.store.Update(ctx, func(tx Tx) error {
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
		if err := s.move(ctx, tx, inc, StatusAcked, actor+" (in "+source+")", "", now); err != nil {
			return err
		}
		inc.AckedBy = actor
		inc.UpdatedAt = now
		return tx.UpdateIncident(ctx, inc)
	})
}
