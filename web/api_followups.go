package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// followupRequest is the body of POST /api/v1/incidents/{key}/followups.
type followupRequest struct {
	Actor string `json:"actor"`
	Text  string `json:"text"`
}

// followupStateRequest is the optional body of POST .../followups/{id}/done
// and .../open.
type followupStateRequest struct {
	Actor string `json:"actor"`
}

// followupsOff answers when no follow-ups are wired (a test server).
var followupsOff = incident.Errorf(incident.KindNotFound, "follow-ups are not served here")

// listFollowups is GET /api/v1/incidents/{key}/followups: the follow-ups
// with their state and ticket, and how many are open and done.
func (s *Server) listFollowups(w http.ResponseWriter, r *http.Request) {
	if s.Followups == nil {
		s.writeError(w, r, followupsOff)
		return
	}
	list, err := s.Followups.Followups(r.Context(), chi.URLParam(r, "key"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	open, done := incident.CountFollowups(list)
	writeJSON(w, http.StatusOK, map[string]any{"followups": list, "open": open, "done": done})
}

// addFollowup is POST /api/v1/incidents/{key}/followups {"text", "actor"}:
// 201 with the follow-up.
func (s *Server) addFollowup(w http.ResponseWriter, r *http.Request) {
	if s.Followups == nil {
		s.writeError(w, r, followupsOff)
		return
	}
	var req followupRequest
	if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	f, err := s.Followups.AddFollowup(r.Context(), key, actorOr(req.Actor), req.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.kick()
	writeJSON(w, http.StatusCreated, f)
}

// setFollowup is POST .../followups/{id}/done (done) or .../open: 200 with
// the follow-up as it is afterwards.
func (s *Server) setFollowup(done bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Followups == nil {
			s.writeError(w, r, followupsOff)
			return
		}
		id, err := incident.ParseFollowupID(chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req followupStateRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(r, s.cfg.MaxBodyBytes, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		f, err := s.Followups.SetFollowupDone(r.Context(), chi.URLParam(r, "key"), id, actorOr(req.Actor), done)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.kick()
		writeJSON(w, http.StatusOK, f)
	}
}
