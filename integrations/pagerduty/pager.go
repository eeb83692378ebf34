package pagerduty

import (
	"context"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
)

// Pager is PagerDuty as a destination of the escalation's pages and as the
// paging service told of acks and resolutions. Every event is keyed by the
// incident's key, so a repeated page folds into the open alert.
type Pager struct {
	c *Client
}

// NewPager wraps a Client.
func NewPager(c *Client) *Pager { return &Pager{c: c} }

// Name is "pagerduty", as it appears in the page jobs' keys.
func (p *Pager) Name() string { return "pagerduty" }

// Page triggers the incident's alert, naming who is paged and why.
func (p *Pager) Page(ctx context.Context, pg escalation.Page) error {
	inc := pg.Incident
	return p.c.Trigger(ctx, Event{DedupKey: inc.Key, Summary: inc.Key + ": " + inc.Title, Source: "warroom",
		Severity: severityOf(inc.Severity), Timestamp: inc.CreatedAt, Details: map[string]string{"paged": pg.User, "why": pg.Why}})
}

// Acknowledge acknowledges the incident's alert.
func (p *Pager) Acknowledge(ctx context.Context, inc *incident.Incident, actor string) error {
	return p.c.Acknowledge(ctx, inc.Key)
}

// Resolve resolves the incident's alert.
func (p *Pager) Resolve(ctx context.Context, inc *incident.Incident) error {
	return p.c.Resolve(ctx, inc.Key)
}

// severityOf is PagerDuty's name for a severity.
func severityOf(s incident.Severity) string {
	switch s {
	case incident.SeverityCritical:
		return SeverityCritical
	case incident.SeverityHigh:
		return SeverityError
	case incident.SeverityWarning:
		return SeverityWarning
	}
	return SeverityInfo
}
