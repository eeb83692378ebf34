// Package web is warroom's HTTP surface: the chi router and its middleware,
// the JSON API, the inbound hooks (handed in by cmd), health and metrics,
// and the server-rendered review UI with the builtin channel pages.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/archive/export"
	"github.com/warroom/warroom/incident"
)

// Config is what the web layer needs from warroom's configuration.
type Config struct {
	APIToken     string // when set, /api/v1 needs it as a Bearer token and the UI a sign-in
	PublicURL    string
	MaxBodyBytes int64 // limit on any request body; default 1 MiB
	Version      string
	// Hosts, when set, are the only host names (besides loopback IPs) that
	// requests may name in Host: cmd sets them on a loopback listener.
	Hosts []string
}

// Transcripts reads the stored transcript documents.
type Transcripts interface {
	Transcripts(ctx context.Context, incidentID int64) ([]archive.Stored, error)
}

// Jobs is the operator's view of the durable jobs.
type Jobs interface {
	Jobs(ctx context.Context, incidentID int64, state incident.JobState) ([]incident.Job, error)
	RetryParked(ctx context.Context, id int64, now time.Time) error
	// JobStats counts jobs by state, kind, backend and failure.
	JobStats(ctx context.Context) ([]incident.JobCount, error)
}

// Readiness is checked by /readyz.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Hook is an inbound webhook that cmd hands to the router: where it is
// mounted, how it authenticates, and how its body becomes an alert group.
type Hook struct {
	Path   string // e.g. /hooks/alertmanager
	Source string // for metrics and logs
	Token  string // Bearer token
	Decode func(body []byte) (incident.AlertGroup, error)
	// Verify, when set, checks the raw body's signature before decoding.
	Verify func(r *http.Request, body []byte) error
	// Key names the config key of the hook's secret, for the answer to a
	// request that a hook without any secret refuses: a hook with neither
	// Token nor Verify is off.
	Key string
}

// Deps are the web layer's collaborators.
type Deps struct {
	// Incidents, Lifecycle, Updates, Alerts and Commands are the incident
	// workflow (cmd hands the one incident.Service to each); all required.
	Incidents   Incidents
	Lifecycle   Lifecycle
	Updates     Updates
	Alerts      Alerts
	Commands    Commands
	Transcripts Transcripts
	Search      incident.Searcher // the full-text search (web/search.go); nil answers 404
	Postmortems Postmortems       // the postmortem (web/postmortem.go); nil: its routes are off
	Followups   Followups         // the incidents' action items; nil answers 404
	// Idempotency keeps the API's Idempotency-Keys (web/idempotency.go);
	// nil refuses a request that carries one.
	Idempotency Idempotency
	Jobs        Jobs
	Ready       Readiness
	Sessions    Sessions    // the web UI's sign-ins
	Chat        BuiltinChat // nil when the builtin chat is not in use
	Hooks       []Hook
	Callbacks   []Callback // callbacks of the chat backend in use
	Metrics     *Metrics
	Roles       Roles   // roles, reopen and title; nil: those endpoints answer 404
	Reports     Reports // the reports' sums; nil: no reports page or API
	Kick        func()  // wakes the job runner after a change enqueued jobs
	// Inflow counts the inbound alert requests in flight, which the job
	// runner yields to; nil counts nothing.
	Inflow *incident.Inflow
	Clock  incident.Clock
	// Sleep waits (the limiter's slowdown); tests pass one that moves their
	// clock instead. Default: a timer.
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger

	// ExportSections are the sections of an incident's export
	// (web/export.go), in order; nil means export.Standard().
	ExportSections []export.Section
}

// Server holds the handlers.
type Server struct {
	Deps
	cfg     Config
	log     *slog.Logger
	ui      *uiTemplates
	limiter *limiter
}

// New builds the Server.
func New(cfg Config, d Deps) (*Server, error) {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = incident.SystemClock{}
	}
	if d.Sleep == nil {
		d.Sleep = sleep
	}
	if d.Sessions == nil {
		return nil, fmt.Errorf("web: no session store given")
	}
	if d.Incidents == nil || d.Lifecycle == nil || d.Updates == nil || d.Alerts == nil || d.Commands == nil {
		return nil, fmt.Errorf("web: the incident workflow is missing: give Incidents, Lifecycle, Updates, Alerts and Commands")
	}
	ui, err := parseUI(d.Clock.Now)
	if err != nil {
		return nil, err
	}
	return &Server{Deps: d, cfg: cfg, log: d.Logger, ui: ui, limiter: newLimiter(d.Clock.Now)}, nil
}

// Handler returns the router.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.recoverer, s.observe, s.hostCheck, s.crossOrigin)
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	if s.Metrics != nil {
		r.Handle("/metrics", s.Metrics.Handler())
	}
	for _, h := range s.Hooks {
		r.With(s.hookAuth(h)).Post(h.Path, s.alertHook(h))
	}
	for _, h := range s.Callbacks {
		r.Post(h.Path, s.callback(h))
	}
	r.Route("/api/v1", s.api)
	s.uiRoutes(r)
	s.reportRoutes(r)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, incident.Errorf(incident.KindNotFound, "no such page: %s %s", r.Method, r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, incident.Errorf(incident.KindInvalid, "%s is not allowed on %s", r.Method, r.URL.Path))
	})
	return r
}

// recoverer turns a panic into a logged 500 rather than a dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil && p != http.ErrAbortHandler {
				s.log.Error("panic in handler", "path", r.URL.Path, "panic", p)
				s.writeError(w, r, incident.Errorf(incident.KindInternal, "panic: %v", p))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// observe logs each request and counts it for /metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		if s.Metrics != nil {
			s.Metrics.observeHTTP(r.Method, route, ww.Status(), d)
		}
		s.log.Debug("http", "method", r.Method, "path", r.URL.Path, "status", ww.Status(), "ms", d.Milliseconds(),
			"request_id", middleware.GetReqID(r.Context()))
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.cfg.Version})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if s.Ready != nil {
		if err := s.Ready.Ready(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
