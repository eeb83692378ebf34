package incident

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Service runs the incident workflow. Every change is one store transaction
// that also enqueues the jobs for its outside side effects; the jobs run
// later, from the Runner, through the Chat and Tickets ports.
type Service struct {
	store   Store
	chat    Chat
	tickets Tickets
	render  Renderer
	clock   Clock
	log     *slog.Logger
	// publicURL is where warroom's web UI is reached, for links in posts.
	publicURL string
	comments  map[string]bool
	closeTix  bool
	ticketFor func(*Incident) bool
	runbooks  Runbooks
	graphs    Graphs
	router    Router
	upstreams map[string]Upstream
	remote    RemoteRunbooks
	paging    Paging
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
	// Router decides severity, invitees, channel name, runbook and graphs
	// from labels.
	Router Router
	// Upstreams are told of acks, by the Source of the incident.
	Upstreams map[string]Upstream
	// RemoteRunbooks reads runbook_url links that are Markdown; nil: links only.
	RemoteRunbooks RemoteRunbooks
	// Paging escalates unacked incidents; the zero value pages nobody.
	Paging Paging
}

// NewService builds a Service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = SystemClock{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: d.Store, chat: d.Chat, tickets: d.Tickets, render: d.Renderer, clock: d.Clock, log: d.Logger,
		publicURL: d.PublicURL, comments: map[string]bool{}, closeTix: d.CloseTickets, ticketFor: d.OpenTicketFor, runbooks: d.Runbooks, graphs: d.Graphs, router: d.Router, upstreams: d.Upstreams, remote: d.RemoteRunbooks, paging: d.Paging}
	for _, k := range d.TicketComments {
		s.comments[k] = true
	}
	if s.ticketFor == nil {
		s.ticketFor = func(*Incident) bool { return true }
	}
	return s
}

// Get returns one incident by key.
func (s *Service) Get(ctx context.Context, key string) (*Incident, error) {
	id, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	return s.store.Incident(ctx, id)
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

// Runbook returns the runbook that matches an incident, if any.
func (s *Service) Runbook(inc *Incident) (Runbook, bool) {
	if s.runbooks == nil {
		return Runbook{}, false
	}
	if name := s.router.Route(inc.Labels).Runbook; name != "" {
		if rb, ok := s.runbooks.ByName(name); ok {
			return rb, true
		}
	}
	return s.runbooks.Find(inc.Labels)
}

// runbookLink is the incident's runbook_url link, or "".
func runbookLink(inc *Incident) string {
	for _, l := range inc.Links {
		if l.Title == "Runbook" {
			return l.URL
		}
	}
	return ""
}

// findRunbook is Runbook, then the first section of the runbook link.
func (s *Service) findRunbook(ctx context.Context, inc *Incident) (Runbook, bool) {
	if rb, ok := s.Runbook(inc); ok {
		return rb, true
	}
	if link := runbookLink(inc); link != "" && s.remote != nil {
		return s.remote.FirstSection(ctx, link)
	}
	return Runbook{}, false
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
func (s *Service) mutate(ctx context.Context, key string, fn func(tx Tx, inc *Incident, now time.Time) error) (*Incident, error) {
	id, err := ParseKey(key)
	if err != nil {
		return nil, err
	}
	var out *Incident
	err = s.store.Update(ctx, func(tx Tx) error {
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

// record appends an event and, when the incident has or will have a
// channel, enqueues a post that announces it.
func (s *Service) record(ctx context.Context, tx Tx, inc *Incident, ev Event, announce bool) error {
	ev.IncidentID = inc.ID
	if ev.RecordedAt.IsZero() {
		ev.RecordedAt = s.clock.Now()
	}
	if ev.At.IsZero() {
		ev.At = ev.RecordedAt
	}
	added, err := tx.AddEvent(ctx, &ev)
	if err != nil || !added {
		return err
	}
	if err := s.maybeComment(ctx, tx, inc, ev); err != nil {
		return err
	}
	if !announce {
		return nil
	}
	return s.enqueuePost(ctx, tx, inc, postPayload{Template: "announce", EventID: ev.ID}, postKey(inc, "event", ev.ID))
}

// move applies a status transition with its timestamps and timeline event.
func (s *Service) move(ctx context.Context, tx Tx, inc *Incident, to Status, actor, reason string, now time.Time) error {
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
	if err := s.record(ctx, tx, inc, Event{Kind: EventStatusChanged, Actor: actor, Text: text, At: now}, to != StatusArchived); err != nil {
		return err
	}
	if to == StatusArchived {
		return nil // the channel is gone
	}
	if to == StatusOpen && from == StatusResolved {
		// It fires again: page again, from the first step.
		if err := s.startEscalation(ctx, tx, inc, now); err != nil {
			return err
		}
	}
	return s.enqueueSync(ctx, tx, inc, string(to), now)
}

// enqueueSync queues the job that brings the channel's header and status
// post up to date. Its key is unique per change.
func (s *Service) enqueueSync(ctx context.Context, tx Tx, inc *Incident, what string, now time.Time) error {
	j, err := NewJob(JobSyncChannel, inc.ID, fmt.Sprintf("%s/sync/%s/%d", inc.Key, what, now.UnixNano()), nil)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, j)
}

// isNotFound reports whether err is a KindNotFound error.
func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindNotFound
}
