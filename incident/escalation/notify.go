package escalation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// runNotify pages one person at the job's destination. A job of an older
// warroom names none and pages every destination, as it did then.
func (e *Escalation) runNotify(ctx context.Context, j incident.Job) error {
	var p notifyPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return incident.Errorf(incident.KindPermanent, "decode page.notify payload: %w", err)
	}
	inc, err := e.cfg.Store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	page := Page{Key: p.Page, Incident: inc, User: p.User, Why: p.Why}
	if p.To == "" {
		page.Key = j.Key
	}
	for _, d := range e.cfg.Destinations {
		if p.To != "" && d.Name() != p.To {
			continue // a destination removed from the config since is skipped
		}
		if err := d.Page(ctx, page); err != nil {
			return fmt.Errorf("page @%s for %s by %s: %w", p.User, inc.Key, d.Name(), err)
		}
	}
	return nil
}

func (e *Escalation) runUpdate(ctx context.Context, j incident.Job) error {
	var p pageUpdatePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return incident.Errorf(incident.KindPermanent, "decode page.upstream payload: %w", err)
	}
	inc, err := e.cfg.Store.Incident(ctx, j.IncidentID)
	if err != nil || e.cfg.Service == nil {
		return err
	}
	if p.Action == "acknowledge" {
		return e.cfg.Service.Acknowledge(ctx, inc, p.Actor)
	}
	return e.cfg.Service.Resolve(ctx, inc)
}
