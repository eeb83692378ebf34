package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

func (s *Server) api(r chi.Router) {
	r.Use(s.apiAuth, s.requireJSON, s.idempotent)
	r.Get("/incidents", s.listIncidents)
	r.Get("/search", s.searchAPI)
	r.Post("/incidents", s.declare)
	r.Route("/incidents/{key}", func(r chi.Router) {
		r.Get("/", s.getIncident)
		r.Get("/timeline", s.timeline)
		r.Get("/transcript", s.transcript)
		r.Get("/export.{format}", s.exportRecord)
		r.Get("/jobs", s.incidentJobs)
		r.Post("/ack", s.action("ack"))
		r.Post("/resolve", s.action("resolve"))
		r.Post("/close", s.action("close"))
		r.Post("/severity", s.setSeverity)
		r.Post("/status", s.textAction(s.Updates.UpdateStatus))
		r.Post("/notes", s.textAction(s.Updates.AddNote))
		r.Post("/commands", s.apiCommand)
		r.Get("/followups", s.listFollowups)
		r.Post("/followups", s.addFollowup)
		r.Post("/followups/{id}/done", s.setFollowup(true))
		r.Post("/followups/{id}/open", s.setFollowup(false))
		s.roleRoutes(r)
	})
	s.postmortemAPI(r)
	r.Get("/reports", s.reportAPI)
	r.Get("/jobs", s.listJobs)
	r.Get("/jobs/stats", s.jobStats)
	r.Post("/jobs/{id}/retry", s.retryJob)
}

func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.Incidents.List(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": s.withDurations(list...)})
}

func parseFilter(r *http.Request) (incident.Filter, error) {
	q := r.URL.Query()
	f := incident.Filter{Query: q.Get("q")}
	for _, v := range q["status"] {
		for _, part := range strings.Split(v, ",") {
			if part == "" {
				continue
			}
			st, err := incident.ParseStatus(part)
			if err != nil {
				return f, err
			}
			f.Status = append(f.Status, st)
		}
	}
	for name, dst := range map[string]*int{"limit": &f.Limit, "offset": &f.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return f, incident.Errorf(incident.KindInvalid, "%s=%q is not a non-negative number", name, v)
			}
			*dst = n
		}
	}
	return f, nil
}

// declareRequest is the body of POST /api/v1/incidents.
type declareRequest struct {
	Title     string            `json:"title"`
	Severity  string            `json:"severity"`
	Summary   string            `json:"summary"`
	Labels    map[string]string `json:"labels"`
	Commander string            `json:"commander"`
	Actor     string            `json:"actor"`
}

func (s *Server) declare(w http.ResponseWriter, r *http.Request) {
	var req declareRequest
	if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := incident.Declaration{Title: req.Title, Summary: req.Summary, Labels: req.Labels,
		Commander: req.Commander, Actor: actorOr(req.Actor), Source: "api"}
	if req.Severity != "" {
		sev, err := incident.ParseSeverity(req.Severity)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d.Severity = sev
	}
	inc, err := s.Lifecycle.Declare(r.Context(), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.kick()
	w.Header().Set("Location", "/api/v1/incidents/"+inc.Key)
	writeJSON(w, http.StatusCreated, s.withDurations(inc)[0])
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request) {
	inc, err := s.Incidents.Get(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.withDurations(inc)[0])
}

func (s *Server) timeline(w http.ResponseWriter, r *http.Request) {
	events, err := s.Incidents.Timeline(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}

// transcript serves the stored transcript document as it was archived.
func (s *Server) transcript(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "md"
	}
	if format != "md" && format != "json" {
		s.writeError(w, r, incident.Errorf(incident.KindInvalid, "format=%q: use md or json", format))
		return
	}
	inc, docs, err := s.archived(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, d := range docs {
		if d.Format == format {
			s.serveDocument(w, r, d, `inline; filename="`+d.Name+`"`)
			return
		}
	}
	s.writeError(w, r, incident.Errorf(incident.KindNotFound,
		"%s has no transcript yet: it is built when the incident is closed (status now: %s)", inc.Key, inc.Status))
}

// actionRequest is the body of ack, resolve and close.
type actionRequest struct {
	Actor  string `json:"actor"`
	Reason string `json:"reason"`
}

func (s *Server) action(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req actionRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		key, actor := chi.URLParam(r, "key"), actorOr(req.Actor)
		var inc *incident.Incident
		var err error
		switch name {
		case "ack":
			inc, err = s.Lifecycle.Ack(r.Context(), key, actor)
		case "resolve":
			inc, err = s.Lifecycle.Resolve(r.Context(), key, actor, req.Reason)
		case "close":
			inc, err = s.Lifecycle.Close(r.Context(), key, actor, req.Reason)
		}
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.kick()
		writeJSON(w, http.StatusOK, s.withDurations(inc)[0])
	}
}

func (s *Server) setSeverity(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Actor    string `json:"actor"`
		Severity string `json:"severity"`
	}
	if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sev, err := incident.ParseSeverity(req.Severity)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	inc, err := s.Updates.SetSeverity(r.Context(), chi.URLParam(r, "key"), actorOr(req.Actor), sev)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.kick()
	writeJSON(w, http.StatusOK, s.withDurations(inc)[0])
}

func (s *Server) textAction(fn func(ctx context.Context, key, actor, text string) (*incident.Incident, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Actor string `json:"actor"`
			Text  string `json:"text"`
		}
		if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		inc, err := fn(r.Context(), chi.URLParam(r, "key"), actorOr(req.Actor), req.Text)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.kick()
		writeJSON(w, http.StatusOK, s.withDurations(inc)[0])
	}
}

func actorOr(a string) string {
	if a = strings.TrimSpace(a); a != "" {
		return a
	}
	return "api"
}

func (s *Server) incidentJobs(w http.ResponseWriter, r *http.Request) {
	inc, err := s.Incidents.Get(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	jobs, err := s.Jobs.Jobs(r.Context(), inc.ID, "")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": jobs})
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	state := incident.JobState(r.URL.Query().Get("state"))
	switch state {
	case "", incident.JobPending, incident.JobRunning, incident.JobDone, incident.JobParked:
	default:
		s.writeError(w, r, incident.Errorf(incident.KindInvalid, "state=%q: use pending, running, done or parked", state))
		return
	}
	jobs, err := s.Jobs.Jobs(r.Context(), 0, state)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": jobs})
}

// jobStats answers how many jobs are in each state, by kind and backend,
// and how many are failing (retrying) and why: what an operator checks in
// a storm or an outage.
func (s *Server) jobStats(w http.ResponseWriter, r *http.Request) {
	counts, err := s.Jobs.JobStats(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	byState := map[incident.JobState]int{}
	failing := map[string]int{}
	for _, c := range counts {
		byState[c.State] += c.N
		if c.Failing() {
			failing[c.Backend] += c.N
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"counts": counts, "by_state": byState, "failing_by_backend": failing})
}

func (s *Server) retryJob(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil {
		s.writeError(w, r, incident.Errorf(incident.KindInvalid, "job id %q is not a number", chi.URLParam(r, "id")))
		return
	}
	if err := s.Jobs.RetryParked(r.Context(), id, s.Clock.Now()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.kick()
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "state": incident.JobPending})
}
