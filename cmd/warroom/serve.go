package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/singleton"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/integrations/icinga2"
	"github.com/warroom/warroom/integrations/runbooks"
	"github.com/warroom/warroom/templates"
	"github.com/warroom/warroom/web"
)

// Main is the running service: the store, the job runner and the HTTP
// server, wired from a Config. Tests start it on port 0.
type Main struct {
	cfg     Config
	log     *slog.Logger
	db      openedStore
	runner  *incident.Runner
	server  *http.Server
	ln      net.Listener
	running atomic.Bool
	wg      sync.WaitGroup
	// singletons runs the background tasks on one replica at a time.
	singletons *singleton.Group
	// background runs alongside the server, each task under its singleton
	// lease (the Icinga 2 follower, a chat backend's pin watcher, pruning).
	background []backgroundTask
	// remindDue sends the status reminders due now (the reminder
	// singleton's step; tests take it themselves).
	remindDue func(ctx context.Context) (int, error)
}

// backgroundTask is a task that must run on one replica at a time, and the
// name of its lease.
type backgroundTask struct {
	name string
	run  func(ctx context.Context)
}

// The singleton leases (the names are stored: keep them).
const (
	leaseIcingaFollower = "icinga2-follower"
	leasePinWatcher     = "chat-pin-watcher"
	leaseJobPruner      = "job-pruner"
	leaseSilenceWatcher = "alertmanager-silence-watcher"
	leaseReminders      = "status-reminders"
)

// NewMain opens the store, applies migrations, wires every part and binds
// the listen address, so that Addr is known before Run.
func NewMain(ctx context.Context, cfg Config, logOut io.Writer) (*Main, error) {
	return NewMainOn(ctx, cfg, nil, logOut)
}

// NewMainOn is NewMain serving on ln, already bound, instead of binding
// cfg.Listen (nil: bind it). Main owns ln from then on. Tests that must
// tell a peer warroom's address before it starts keep the listener open
// meanwhile, so that no other process can take the port.
func NewMainOn(ctx context.Context, cfg Config, ln net.Listener, logOut io.Writer) (*Main, error) {
	return newMainClock(ctx, cfg, ln, logOut, incident.SystemClock{})
}

// newMainClock is NewMainOn on the given clock (tests move it forward).
func newMainClock(ctx context.Context, cfg Config, ln net.Listener, logOut io.Writer, clock incident.Clock) (*Main, error) {
	log := newLogger(cfg.Log, logOut)
	db, err := openStore(ctx, cfg.Store, clock)
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, err
	}
	m := &Main{cfg: cfg, log: log, db: db, ln: ln}
	if err := db.IndexPending(ctx, log); err != nil {
		db.Close()
		if ln != nil {
			ln.Close()
		}
		return nil, err
	}
	if err := m.wire(ctx, clock); err != nil {
		db.Close()
		if m.ln != nil {
			m.ln.Close()
		}
		return nil, err
	}
	return m, nil
}

func (m *Main) wire(ctx context.Context, clock incident.Clock) error {
	var err error
	if m.ln == nil {
		if m.ln, err = net.Listen("tcp", m.cfg.Listen); err != nil {
			return fmt.Errorf("listen on %s: %w; is another warroom running? Set listen (or WARROOM_LISTEN) to a free address", m.cfg.Listen, err)
		}
	}
	if m.cfg.PublicURL == "" { // listen on port 0: the port is known only now
		if m.cfg.PublicURL, _ = derivePublicURL(m.ln.Addr().String(), os.Hostname); m.cfg.PublicURL == "" {
			m.cfg.PublicURL = "http://" + m.ln.Addr().String()
		}
	}
	cfg := m.cfg
	local := builtin.New(m.db.builtin, cfg.PublicURL, clock)
	tmpl, err := templates.Load(cfg.Templates.Dir)
	if err != nil {
		return err
	}
	chat, err := m.chatBackend(local)
	if err != nil {
		return err
	}
	tix, err := m.ticketBackend(local, tmpl)
	if err != nil {
		return err
	}
	ctxw, err := m.contextWiring(clock)
	if err != nil {
		return err
	}
	src, err := m.sourceWiring()
	if err != nil {
		return err
	}
	esc, escPart, onCallBoard, err := m.escalation(m.db, chat.chat)
	if err != nil {
		return err
	}
	var incidentMetrics *web.IncidentMetrics // made with the registry below, before any job runs
	observe := func(o incident.DurationObservation) { incidentMetrics.Observe(o) }
	acts, err := cfg.actionCatalog(m.log)
	if err != nil {
		return err
	}
	svc := incident.NewService(incident.Deps{Actions: acts, Roles: cfg.Incidents.roles(), Reminders: cfg.Incidents.reminders(), ObserveDuration: observe, Store: m.db, Chat: chat.chat, Tickets: tix.tickets, Renderer: tmpl, Clock: clock, Logger: m.log,
		PublicURL: cfg.PublicURL, FollowupTickets: tix.tickets, TicketComments: tix.comments, CloseTickets: tix.close, OpenTicketFor: tix.openFor,
		Runbooks: ctxw.runbooks, RemoteRunbooks: runbooks.Fetcher{HTTP: &http.Client{Timeout: 5 * time.Second}},
		Router: ctxw.router, Graphs: ctxw.graphs, Upstreams: src.upstreams, Escalation: escPart, OnCall: onCallBoard, Grouping: cfg.Grouping.domain(),
		Silences: src.silences, Downtimes: src.downtimes, DowntimeSource: icinga2.Source})
	inflow := incident.NewInflow(clock)
	m.runner = incident.NewRunner(m.db, cfg.Jobs.runnerConfig(inflow), clock, m.log)
	svc.RegisterJobs(m.runner)
	esc.RegisterJobs(m.runner, svc)
	archive.New(m.db, chat.chat, tix.tickets, svc, clock, m.log,
		archive.Options{PinEmoji: chat.pinEmoji, Summary: tix.summary, Postmortem: tmpl, PublicURL: cfg.PublicURL}).Register(m.runner)
	metrics := web.NewMetrics(m.db)
	incidentMetrics = metrics.Incidents(m.db)
	m.runner.Observe, m.runner.OnResume, m.runner.OnPrune = metrics.ObserveJob, metrics.ObserveResume, metrics.ObservePrune
	m.runner.OnPark = svc.RecordFailure
	if m.singletons, err = singleton.New(m.db, singleton.HolderID(), incident.SystemClock{}, m.log, cfg.Singletons.singletonConfig()); err != nil {
		return err
	}
	metrics.Singletons(m.heldSingletons)
	metrics.Inflow(inflow)
	if sq, ok := m.db.store.(incident.SearchQueue); ok { // PostgreSQL: the search index after the commit
		m.runner.Search = sq
		metrics.SearchQueue(sq)
	}

	callbacks := append(append(chat.hooks(svc), tix.hooks(svc)...), icingaHook(cfg.Sources.Icinga2, svc)...)
	srv, err := web.New(web.Config{APIToken: cfg.API.Token, PublicURL: cfg.PublicURL, MaxBodyBytes: cfg.Limits.MaxBodyBytes, Version: version,
		Hosts: knownHosts(cfg.Listen, cfg.PublicURL)},
		web.Deps{
			Incidents: svc, Lifecycle: svc, Updates: svc, Alerts: svc, Commands: svc, Followups: svc,
			Idempotency: incident.NewIdempotency(m.db, clock, m.log),
			Transcripts: m.db, Search: m.db, Postmortems: svc, Jobs: m.db, Ready: m, Sessions: m.db, Chat: chat.rooms, Hooks: src.hooks, Callbacks: callbacks,
			Metrics: metrics, Roles: svc, Reports: m.db, Kick: m.runner.Kick, Inflow: inflow, Clock: clock, Logger: m.log,
		})
	if err != nil {
		return err
	}
	if src.icinga != nil {
		// A takeover starts Follow anew, which resyncs the HARD problems
		// before it follows: what changed while nobody followed is not lost.
		m.background = append(m.background, backgroundTask{leaseIcingaFollower, func(ctx context.Context) { src.icinga.Follow(ctx, svc, m.runner.Kick) }})
	}
	if am, ok := src.silences.(incident.SilenceLister); ok {
		every := cmp.Or(cfg.Sources.Alertmanager.SilencePoll, 30*time.Second)
		m.background = append(m.background, backgroundTask{leaseSilenceWatcher, func(ctx context.Context) { svc.WatchSilences(ctx, am, every, m.runner.Kick) }})
	}
	m.remindDue = svc.RemindDue
	m.background = append(m.background, backgroundTask{leaseReminders, func(ctx context.Context) { svc.WatchReminders(ctx, incident.RemindEvery, m.runner.Kick) }})
	if chat.watch != nil {
		m.background = append(m.background, backgroundTask{leasePinWatcher, func(ctx context.Context) { chat.watch(ctx, svc, m.runner.Kick) }})
	}
	if m.runner.Prunes() {
		m.runner.PruneApart = true
		m.background = append(m.background, backgroundTask{leaseJobPruner, m.runner.Prune})
	}
	m.server = &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)}
	return nil
}

// Addr is the bound listen address (useful with port 0).
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Ready reports whether warroom can take work: the store answers and the
// job runner is running.
func (m *Main) Ready(ctx context.Context) error {
	if !m.running.Load() {
		return errors.New("job runner not started")
	}
	if err := m.db.Ping(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// Run serves until ctx is cancelled, then shuts down gracefully: the HTTP
// server stops taking requests, and running jobs get time to finish.
func (m *Main) Run(ctx context.Context) error {
	n, err := m.db.ReleaseOrphans(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		m.log.Warn("resuming jobs interrupted by the previous run", "jobs", n)
	}
	runCtx, stopRunner := context.WithCancel(context.WithoutCancel(ctx))
	m.wg.Go(func() { m.runner.Run(runCtx) })
	for _, task := range m.background {
		m.wg.Go(func() { m.singletons.Run(runCtx, task.name, task.run) })
	}
	m.running.Store(true)
	m.runner.Kick()

	errc := make(chan error, 1)
	go func() { errc <- m.server.Serve(m.ln) }()
	m.log.Info("warroom is up", "addr", m.Addr(), "ui", m.cfg.PublicURL, "store", m.cfg.Store.Driver, "dsn", maskDSN(m.cfg.Store.DSN),
		"chat", m.cfg.Chat.Backend, "tickets", m.cfg.Tickets.Backend, "version", version)

	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	m.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if serr := m.server.Shutdown(shutCtx); serr != nil {
		m.log.Warn("http shutdown", "err", serr)
	}
	stopRunner()
	m.wg.Wait()
	m.running.Store(false)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// heldSingletons names the singleton leases this replica holds, for
// /metrics.
// heldSingletons says, for each singleton this replica runs, whether it
// holds its lease now.
func (m *Main) heldSingletons() map[string]bool {
	out := make(map[string]bool, len(m.background))
	for _, b := range m.background {
		out[b.name] = false
	}
	for _, h := range m.singletons.Held() {
		out[h.Name] = true
	}
	return out
}

// Close releases the store.
func (m *Main) Close() error { return m.db.Close() }

func newLogger(c LogConfig, out io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}
