package pagerduty_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/integrations/pagerduty/pdtest"
)

// The pager triggers one alert per incident, keyed by the incident's key
// with its severity, who is paged and why; a second page folds into it,
// and ack and resolve follow it.
func TestPagerPagesAcksAndResolvesByIncident(t *testing.T) {
	srv := pdtest.New(t)
	p := pagerduty.NewPager(newClient(t, srv))
	inc := &incident.Incident{Key: "INC-7", Title: "db down", Severity: incident.SeverityHigh, CreatedAt: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	for _, user := range []string{"alice", "bob"} {
		if err := p.Page(ctx, escalation.Page{Key: "INC-7/page/notify/x/" + user, Incident: inc, User: user, Why: "step 1 of policy default"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Acknowledge(ctx, inc, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := p.Resolve(ctx, inc); err != nil {
		t.Fatal(err)
	}
	got, ok := srv.Incident("INC-7")
	if !ok {
		t.Fatalf("no alert for INC-7 among %+v", srv.Incidents())
	}
	if got.Status != pdtest.StatusResolved || len(got.Events) != 4 {
		t.Errorf("alert %s after events %v, want resolved after trigger, trigger, acknowledge, resolve", got.Status, got.Events)
	}
	if got.Severity != pagerduty.SeverityError || got.Summary != "INC-7: db down" || got.Source != "warroom" {
		t.Errorf("alert severity %q summary %q source %q", got.Severity, got.Summary, got.Source)
	}
	if got.Details["paged"] != "alice" || got.Details["why"] != "step 1 of policy default" {
		t.Errorf("alert details %v, want the first page's (PagerDuty keeps the first trigger's payload)", got.Details)
	}
	if p.Name() != "pagerduty" {
		t.Errorf("name %q: the page jobs' keys depend on it", p.Name())
	}
}

// An outage of PagerDuty is a transient error, so the page job retries.
func TestPagerOutageIsTransient(t *testing.T) {
	srv := pdtest.New(t)
	srv.FailNext(1, 503)
	p := pagerduty.NewPager(newClient(t, srv))
	err := p.Page(context.Background(), escalation.Page{Key: "k", Incident: &incident.Incident{Key: "INC-1", Title: "x"}, User: "alice", Why: "w"})
	if incident.ErrorKind(err) != incident.KindTransient {
		t.Errorf("page during an outage: %v (kind %s), want transient", err, incident.ErrorKind(err))
	}
}
