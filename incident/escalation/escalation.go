// Package escalation pages people until someone acks: escalation policies
// of steps, each paging its targets and waiting before the next, run as
// scheduled jobs. It reacts to the lifecycle's changes (incident opened or
// firing again: start; acked, resolved or closed: stop) and imports only
// the standard library and the domain.
package escalation

import (
	"context"
	"time"

	"github.com/warroom/warroom/incident"
)

// Policy is an escalation policy: its steps page their targets in order,
// each waiting before the next, and the whole runs Repeat times (at least
// once) unless the incident is acked first.
type Policy struct {
	Name   string
	Steps  []PolicyStep
	Repeat int
}

// PolicyStep pages its targets, then waits before the next step.
type PolicyStep struct {
	Targets []Target
	Wait    time.Duration
}

// Target is a person or whoever is on call on a schedule.
type Target struct {
	User     string
	Schedule string
}

// String names the target.
func (t Target) String() string {
	if t.Schedule != "" {
		return "schedule " + t.Schedule
	}
	return "@" + t.User
}

// OnCallResolver says who is on call on a schedule at a time.
type OnCallResolver interface {
	OnCall(schedule string, at time.Time) (user string, ok bool)
}

// Destination is one place pages go: PagerDuty, the page webhook, a
// direct message in chat. Each page to each destination is its own
// page.notify job, so a crash between two destinations does not page the
// first again. Page must be idempotent per p.Key (the page's key, the same
// for every destination of one page): its job runs again after a crash.
type Destination interface {
	// Name names the destination in its jobs' keys ("pagerduty",
	// "webhook", "dm"); it must stay the same from one version to the next.
	Name() string
	Page(ctx context.Context, p Page) error
}

// PagingService is the outside paging service that hears of acks and
// resolutions (PagerDuty), each idempotent per incident.
type PagingService interface {
	Acknowledge(ctx context.Context, inc *incident.Incident, actor string) error
	Resolve(ctx context.Context, inc *incident.Incident) error
}

// Page is one person paged for an incident.
type Page struct {
	Key      string // the same for every destination of this page
	Incident *incident.Incident
	User     string
	Why      string // "step 2 of policy default", "paged by @alice"
}

// Config is the escalation's policies and where pages go; without
// policies, paging is off.
type Config struct {
	Policies     map[string]Policy
	Default      string // the policy of incidents no routing rule gives one
	OnCall       OnCallResolver
	Destinations []Destination  // in the order each page goes to them
	Service      PagingService  // nil: no paging service to tell
	Store        incident.Store // reads the incident a job is about
}

// Escalation runs the escalation policies.
type Escalation struct {
	cfg Config
}

// New builds the escalation.
func New(cfg Config) *Escalation { return &Escalation{cfg: cfg} }

// Lifecycle is the write side of the incident lifecycle the escalation's
// jobs record through (the *incident.Service).
type Lifecycle interface {
	Update(ctx context.Context, fn func(tx incident.Txn) error) error
}

// The escalation's job kinds. Steps are scheduled jobs: a restart neither
// skips nor repeats one (a step is done or still due).
const (
	JobStep   incident.JobKind = "page.step"     // run one step of the policy
	JobNotify incident.JobKind = "page.notify"   // page one person at one destination
	JobUpdate incident.JobKind = "page.upstream" // acknowledge or resolve at the paging service
)

func init() {
	incident.RegisterKind(JobStep, incident.KindSpec{Lane: "escalation", Backend: incident.BackendInternal})
	incident.RegisterKind(JobNotify, incident.KindSpec{Lane: "notify", Backend: incident.BackendPaging})
	incident.RegisterKind(JobUpdate, incident.KindSpec{Lane: "upstream", Backend: incident.BackendPaging})
}

// RegisterJobs gives the runner the escalation's handlers; they record
// through life.
func (e *Escalation) RegisterJobs(r *incident.Runner, life Lifecycle) {
	r.Handle(JobStep, func(ctx context.Context, j incident.Job) error { return e.runStep(ctx, life, j) })
	r.Handle(JobNotify, e.runNotify)
	r.Handle(JobUpdate, e.runUpdate)
}

// on reports whether paging is configured.
func (e *Escalation) on() bool { return len(e.cfg.Policies) > 0 }

// React starts the escalation when an incident opens or fires again, and
// stops it when the incident is acked, resolved or closed in warroom.
func (e *Escalation) React(ctx context.Context, tx incident.Txn, c incident.Change) error {
	ev := c.Event
	switch {
	case ev.Kind == incident.EventDeclared, ev.Kind == incident.EventStatusChanged && ev.From == incident.StatusResolved && ev.To == incident.StatusOpen:
		return e.start(ctx, tx, c.Incident, c.Route, ev.At)
	case ev.Kind != incident.EventStatusChanged || c.FromSource:
		return nil
	case ev.To == incident.StatusAcked:
		return e.stop(ctx, tx, c.Incident, "acknowledge", ev.Actor, ev.At)
	case ev.To == incident.StatusResolved, ev.To == incident.StatusClosed:
		return e.stop(ctx, tx, c.Incident, "resolve", ev.Actor, ev.At)
	}
	return nil
}
