package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// Postmortems is what the web layer needs of the postmortem: read it, edit
// it, review it, and the review list. An incident without one is
// KindNotFound; an empty or unchanged edit KindInvalid; an edit based on a
// revision someone saved over KindConflict (the message names whose).
type Postmortems interface {
	Postmortem(ctx context.Context, key string) (*incident.Postmortem, error)
	PostmortemRevisions(ctx context.Context, key string) ([]incident.PostmortemRevision, error)
	EditPostmortem(ctx context.Context, key, actor, body string, base int) (*incident.Postmortem, error)
	ReviewPostmortem(ctx context.Context, key, actor string, st incident.PostmortemState) (*incident.Postmortem, error)
	Postmortems(ctx context.Context, f incident.PostmortemFilter) ([]*incident.Postmortem, error)
}

// postmortemAPI mounts the postmortem's routes under /api/v1.
func (s *Server) postmortemAPI(r chi.Router) {
	if s.Postmortems == nil {
		return
	}
	r.Get("/postmortems", s.listPostmortems)
	r.Get("/incidents/{key}/postmortem", s.getPostmortem)
	r.Put("/incidents/{key}/postmortem", s.editPostmortem)
	r.Get("/incidents/{key}/postmortem/revisions", s.postmortemRevisions)
	r.Post("/incidents/{key}/postmortem/review", s.reviewPostmortem)
}

func (s *Server) getPostmortem(w http.ResponseWriter, r *http.Request) {
	pm, err := s.Postmortems.Postmortem(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"postmortem": pm})
}

func (s *Server) postmortemRevisions(w http.ResponseWriter, r *http.Request) {
	revs, err := s.Postmortems.PostmortemRevisions(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"revisions": revs})
}

// editRequest is the body of PUT /api/v1/incidents/{key}/postmortem.
type editRequest struct {
	Body         string `json:"body"`
	BaseRevision int    `json:"base_revision"` // the revision the edit starts from
	Actor        string `json:"actor"`
}

func (s *Server) editPostmortem(w http.ResponseWriter, r *http.Request) {
	var req editRequest
	if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	pm, err := s.Postmortems.EditPostmortem(r.Context(), chi.URLParam(r, "key"), actorOr(req.Actor), req.Body, req.BaseRevision)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"postmortem": pm})
}

func (s *Server) reviewPostmortem(w http.ResponseWriter, r *http.Request) {
	var req struct {
		State string `json:"state"`
		Actor string `json:"actor"`
	}
	if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := incident.ParsePostmortemState(req.State)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pm, err := s.Postmortems.ReviewPostmortem(r.Context(), chi.URLParam(r, "key"), actorOr(req.Actor), st)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.kick()
	writeJSON(w, http.StatusOK, map[string]any{"postmortem": pm})
}

func (s *Server) listPostmortems(w http.ResponseWriter, r *http.Request) {
	f, err := parsePostmortemFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.Postmortems.Postmortems(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if list == nil {
		list = []*incident.Postmortem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"postmortems": list, "state": f.State})
}

// parsePostmortemFilter reads ?state= (draft by default) and ?severity=
// (repeated or comma-separated) of the review list.
func parsePostmortemFilter(r *http.Request) (incident.PostmortemFilter, error) {
	q := r.URL.Query()
	f := incident.PostmortemFilter{State: incident.PostmortemDraft}
	if v := q.Get("state"); v != "" {
		st, err := incident.ParsePostmortemState(v)
		if err != nil {
			return f, err
		}
		f.State = st
	}
	for _, v := range q["severity"] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			sev, err := incident.ParseSeverity(part)
			if err != nil {
				return f, err
			}
			f.Severity = append(f.Severity, sev)
		}
	}
	return f, nil
}
