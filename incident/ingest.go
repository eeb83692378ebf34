package incident

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// IngestResult says what an alert notification did.
type IngestResult struct {
	Incident *Incident // nil when the notification was ignored
	Created  bool      // a new incident was opened
	Ignored  string    // why nothing was done, when Incident is nil
	// Unchanged says the notification repeated what the incident holds:
	// nothing was written and no job enqueued.
	Unchanged bool
}

// IngestAlerts applies one alert notification: the first for a dedup key
// opens an incident; repeats go on the same incident's timeline, resolve it
// when every alert has resolved, and reopen it when an alert fires again.
// A repeat of a notification already seen changes nothing.
func (s *Service) IngestAlerts(ctx context.Context, g AlertGroup) (IngestResult, error) {
	if err := g.Validate(); err != nil {
		return IngestResult{}, err
	}
	if inc, ok, err := s.alreadyApplied(ctx, g); err != nil || ok {
		return IngestResult{Incident: inc, Unchanged: ok}, err
	}
	var res IngestResult
	err := retryTransient(ctx, ingestTries, func() error {
		return s.Update(ctx, func(tx Txn) error {
			res = IngestResult{}
			now := s.clock.Now()
			inc, err := tx.ActiveIncidentByDedup(ctx, g.Source, g.DedupKey)
			switch {
			case isNotFound(err):
				if g.AllResolved() {
					res.Ignored = "every alert in the group is resolved and no open incident matches it"
					return nil
				}
				inc = newIncidentFromAlerts(g)
				if err := s.createAlerted(ctx, tx, inc, g.Source, now); err != nil {
					return err
				}
				res.Created = true
			case err != nil:
				return err
			}
			if err := s.applyAlerts(ctx, tx, inc, g, !res.Created, now); err != nil {
				return err
			}
			inc.UpdatedAt = now
			res.Incident = inc
			return tx.UpdateIncident(ctx, inc)
		})
	})
	if err != nil {
		return IngestResult{}, err
	}
	if res.Incident != nil {
		s.log.Info("alerts ingested", "incident", res.Incident.Key, "created", res.Created, "source", g.Source, "alerts", len(g.Alerts))
	}
	return res, nil
}

func newIncidentFromAlerts(g AlertGroup) *Incident {
	sev := g.Severity
	if !sev.Valid() {
		sev = SeverityWarning
		if v, err := ParseSeverity(g.Labels["severity"]); err == nil {
			sev = v
		}
	}
	return &Incident{
		Title: g.Title, Summary: g.Summary, Severity: sev, Status: StatusOpen,
		Source: g.Source, DedupKey: g.DedupKey, Labels: g.Labels, Links: g.Links, Queries: g.Queries,
	}
}

// applyAlerts records each alert once and moves the incident's status.
func (s *Service) applyAlerts(ctx context.Context, tx Txn, inc *Incident, g AlertGroup, announce bool, now time.Time) error {
	for _, a := range g.Alerts {
		if err := tx.Record(ctx, inc, alertEvent(a, g.Source), announce && inc.Status.Active()); err != nil {
			return err
		}
	}
	inc.Links = mergeLinks(inc.Links, g.Links)
	if to, why, moves := alertMove(inc, g, announce); moves {
		return s.move(ctx, tx, inc, to, g.Source, why, now, moveOpts{})
	}
	return nil
}

func alertEvent(a Alert, source string) Event {
	name := a.Name
	if a.Summary != "" {
		name += ": " + a.Summary
	}
	if labels := formatLabels(a.Labels, "alertname", "severity"); labels != "" {
		name += " (" + labels + ")"
	}
	ev := Event{Kind: EventAlertFiring, Actor: source, Text: name, At: a.StartsAt}
	ev.Ref = fmt.Sprintf("%s/%d", a.Fingerprint, a.StartsAt.Unix())
	if !a.Firing {
		ev.Kind, ev.At = EventAlertResolved, a.EndsAt
	}
	return ev
}

// formatLabels renders labels as k=v pairs in key order, leaving out skip.
func formatLabels(labels map[string]string, skip ...string) string {
	keys := sortedKeys(labels)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if contains(skip, k) {
			continue
		}
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, ", ")
}

func mergeLinks(have, more []Link) []Link {
	for _, l := range more {
		dup := false
		for _, h := range have {
			if h.URL == l.URL {
				dup = true
				break
			}
		}
		if !dup {
			have = append(have, l)
		}
	}
	return have
}

// ingestTries is how often one notification is applied when its
// transaction meets a transient conflict: on several replicas, the same
// alert group arriving at two of them at once makes one of them find the
// incident the other has just opened, and its second try adds to it.
const ingestTries = 3

// retryTransient runs fn up to tries times while it fails with a
// KindTransient error (each try is a whole transaction, rolled back).
func retryTransient(ctx context.Context, tries int, fn func() error) error {
	var err error
	for range tries {
		if err = fn(); ErrorKind(err) != KindTransient || ctx.Err() != nil {
			return err
		}
	}
	return err
}
