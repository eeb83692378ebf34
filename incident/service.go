package incident

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Service runs the incident lifecycle: declare, ingest, ack, resolve,
// close, severity, notes, pins and the queries. Every change is one store
// transaction; each event it records is handed, in that transaction, to
// the parts that react to it (ChatEffects, TicketSync, the escalation,
// UpstreamAcks), which enqueue their own jobs. The jobs run later, from
// the Runner.
type Service struct {
	store     Store
	clock     Clock
	log       *slog.Logger
	router    Router
	runbooks  runbookFinder
	chat      *ChatEffects
	tickets   *TicketSync
	upstream  *UpstreamAcks
	esc       Escalation
	onCall    OnCallBoard
	reactors  []Reactor // in the order they react
	commands  *commandSet
	roles     []string // role names besides the commander
	reminders *Reminders
	durations *durationObserver
	silences  *SilenceEffects  // nil: Alertmanager's API is not configured
	downtimes *DowntimeEffects // its port is nil when Icinga 2's API is not configured
	actions   *ActionRuns

	grouping Grouping

	followupTickets FollowupTickets // nil: follow-ups get no ticket
}

// Deps are the Service's collaborators.
type Deps struct {
	Store    Store
	Chat     Chat
	Tickets  Tickets
	Renderer Renderer
	Clock    Clock
	Logger   *slog.Logger
	// PublicURL is where warroom's web UI is reached, for links in posts.
	PublicURL string
	// TicketComments lists the timeline events that become comments on the
	// ticket (for example acked, severity_changed, status_update, resolved).
	TicketComments []string
	// CloseTickets makes closing an incident close its ticket too.
	CloseTickets bool
	// OpenTicketFor decides which incidents get a ticket; nil means all.
	OpenTicketFor func(*Incident) bool
	// Runbooks finds an incident's runbook; nil means none.
	Runbooks Runbooks
	// Graphs renders graphs; nil means no graphs.
	Graphs Graphs
	// Router decides severity, invitees, channel name, runbook, graphs and
	// escalation policy from labels.
	Router Router
	// Upstreams are told of acks, by the Source of the incident.
	Upstreams map[string]Upstream
	// RemoteRunbooks reads runbook_url links that are Markdown; nil: links only.
	RemoteRunbooks RemoteRunbooks
	// Escalation pages people (incident/escalation); nil pages nobody.
	Escalation Escalation
	// OnCall answers /incident oncall; nil says there are no schedules.
	OnCall OnCallBoard
	// Roles are the role names besides the commander (comms, scribe);
	// nil means DefaultRoles.
	Roles []string
	// Reminders are the status cadence by severity; nil means
	// DefaultReminders, an empty map none.
	Reminders map[Severity]time.Duration
	// ObserveDuration hears each incident's time to ack and to resolve,
	// once per incident, when it happens (the metrics); nil: nobody.
	ObserveDuration func(o DurationObservation)

	// Actions are the ChatOps actions /incident run runs; nil: none.
	Actions *ActionCatalog

	// Grouping groups alert storms under one parent; zero is off.
	Grouping Grouping

	// Silences is Alertmanager's silences API; nil: the silence commands say how to configure it.
	Silences Silences
	// Downtimes is Icinga 2's downtime actions, for incidents of DowntimeSource; nil: off.
	Downtimes      Downtimes
	DowntimeSource string

	// FollowupTickets makes the tickets of follow-ups (builtin, Jira); nil:
	// follow-ups are kept and shown but get no ticket.
	FollowupTickets FollowupTickets
}

// NewService builds a Service and its parts.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	rb := runbookFinder{local: d.Runbooks, remote: d.RemoteRunbooks}
	if d.Roles == nil {
		d.Roles = DefaultRoles()
	}
	s := &Service{store: d.Store, clock: d.Clock, log: d.Logger, router: d.Router, runbooks: rb, esc: d.Escalation, onCall: d.OnCall,
		commands: theCommands(), roles: d.Roles, grouping: d.Grouping}
	s.chat = &ChatEffects{store: d.Store, chat: d.Chat, render: d.Renderer, clock: d.Clock, publicURL: d.PublicURL,
		runbooks: rb, graphs: d.Graphs, router: d.Router, life: s, esc: d.Escalation}
	s.tickets = newTicketSync(d, s)
	s.upstream = &UpstreamAcks{store: d.Store, upstreams: d.Upstreams}
	s.reminders = newReminders(d, s)
	s.actions = newActionRuns(d, s)
	s.durations = &durationObserver{store: d.Store, observe: d.ObserveDuration}
	s.reactors = []Reactor{s.tickets, s.chat, s.reminders, s.durations}
	if d.Escalation != nil {
		s.reactors = append(s.reactors, d.Escalation)
	}
	s.reactors = append(s.reactors, s.upstream, groupingReactor{s}, followupReactor{s})
	s.followupTickets = d.FollowupTickets
	s.silences = &SilenceEffects{life: s, silences: d.Silences, publicURL: d.PublicURL}
	s.downtimes = &DowntimeEffects{life: s, downtimes: d.Downtimes, source: d.DowntimeSource}
	return s
}

// RegisterJobs gives the runner the job handlers of the Service's parts
// (chat effects, ticket sync, upstream acks). The escalation registers its
// own (incident/escalation).
func (s *Service) RegisterJobs(r *Runner) {
	s.chat.RegisterJobs(r)
	s.tickets.RegisterJobs(r)
	s.upstream.RegisterJobs(r)
	s.reminders.RegisterJobs(r)
	s.durations.RegisterJobs(r)
	s.actions.RegisterJobs(r)
	r.Handle(JobAttachedPost, s.runAttachedPost)
	s.silences.RegisterJobs(r)
	s.downtimes.RegisterJobs(r)
	r.Handle(JobFollowupTicket, s.runFollowupTicket)
}

// Get returns one incident by key.
func (s *Service) Get(ctx context.Context, key string) (*Incident, error) {
	id, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	return inc, s.withChildren(ctx, inc)
}

// List returns incidents matching f, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]*Incident, error) {
	return s.store.Incidents(ctx, f)
}

// Timeline returns an incident's events in the order they happened.
func (s *Service) Timeline(ctx context.Context, key string) ([]Event, error) {
	inc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	return s.store.Events(ctx, inc.ID)
}

// ActiveChannels lists the channels of one chat backend whose incidents are
// not archived yet (their channels still exist).
func (s *Service) ActiveChannels(ctx context.Context, backend string) ([]ChannelRef, error) {
	list, err := s.store.Incidents(ctx, Filter{Status: []Status{StatusOpen, StatusAcked, StatusResolved, StatusClosed}, Limit: 500})
	if err != nil {
		return nil, err
	}
	var out []ChannelRef
	for _, inc := range list {
		if inc.Channel.Backend == backend && !inc.Channel.Empty() {
			out = append(out, inc.Channel)
		}
	}
	return out, nil
}

// ByChannel returns the incident whose channel this is.
func (s *Service) ByChannel(ctx context.Context, backend, channelID string) (*Incident, error) {
	return s.store.IncidentByChannel(ctx, backend, channelID)
}

// mutate loads an incident in a transaction, lets fn change it, and writes it.
func (s *Service) mutate(ctx context.Context, key string, fn func(tx Txn, inc *Incident, now time.Time) error) (*Incident, error) {
	id, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	var out *Incident
	err = s.Update(ctx, func(tx Txn) error {
		inc, err := tx.Incident(ctx, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if err := fn(tx, inc, now); err != nil {
			return err
		}
		inc.UpdatedAt = now
		out = inc
		return tx.UpdateIncident(ctx, inc)
	})
	return out, err
}

// moveOpts say where a status change came from.
type moveOpts struct {
	fromSource bool // the outside system it would be reported to did it
}

// move applies a status transition with its timestamps and timeline event;
// the parts react to the event (announce, sync, page, stop paging, ...).
func (s *Service) move(ctx context.Context, tx Txn, inc *Incident, to Status, actor, reason string, now time.Time, o moveOpts) error {
	if err := CheckMove(inc.Key, inc.Status, to); err != nil {
		return err
	}
	from := inc.Status
	inc.Status = to
	switch to {
	case StatusOpen:
		inc.AckedAt, inc.AckedBy, inc.ResolvedAt = nil, "", nil
	case StatusAcked:
		inc.AckedAt, inc.AckedBy = &now, actor
	case StatusResolved:
		inc.ResolvedAt = &now
	case StatusClosed:
		inc.ClosedAt, inc.ClosedBy, inc.CloseReason = &now, actor, reason
		if inc.ResolvedAt == nil {
			inc.ResolvedAt = &now
		}
	case StatusArchived:
		inc.ArchivedAt = &now
	}
	text := string(from) + " → " + string(to)
	if reason != "" {
		text += ": " + reason
	}
	c := Change{Incident: inc, Event: Event{Kind: EventStatusChanged, Actor: actor, Text: text, At: now, From: from, To: to},
		Announce: to != StatusArchived, FromSource: o.fromSource}
	if to == StatusOpen && from == StatusResolved {
		// It fires again: the escalation starts again, by the rules of now.
		route := s.router.Route(inc.Labels)
		c.Route = &route
	}
	if err := s.record(ctx, tx, c); err != nil || to != StatusAcked {
		return err
	}
	return s.takeCommand(ctx, tx, inc, actor, now)
}

// isNotFound reports whether err is a KindNotFound error.
func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindNotFound
}
