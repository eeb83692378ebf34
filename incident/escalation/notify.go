package escalation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/warroom/warroom/incident"
)

func (e *Escalation) runNotify(ctx context.Context, j incident.Job) error {
	var p notifyPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return incident.Errorf(incident.KindPermanent, "decode page.notify payload: %w", err)
	}
	inc, err := e.cfg.Store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if e.cfg.Pager == nil {
		return nil
	}
	if err := e.cfg.Pager.Page(ctx, Page{Key: j.Key, Incident: inc, User: p.User, Why: p.Why}); err != nil {
		return fmt.Errorf("page @%s for %s: %w", p.User, inc.Key, err)
	}
	return nil
}

func (e *Escalation) runUpdate(ctx context.Context, j incident.Job) error {
	var p pageUpdatePayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return incident.Errorf(incident.KindPermanent, "decode page.upstream payload: %w", err)
	}
	inc, err := e.cfg.Store.Incident(ctx, j.IncidentID)
	if err != nil || e.cfg.Pager == nil {
		return err
	}
	if p.Action == "acknowledge" {
		return e.cfg.Pager.Acknowledge(ctx, inc, p.Actor)
	}
	return e.cfg.Pager.Resolve(ctx, inc)
}
