package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// Roles names who does what on an incident, reopens it and retitles it.
// An unknown key is KindNotFound, an unknown role or a bad name
// KindInvalid (the message lists the roles), a change the incident's
// status does not allow KindConflict.
type Roles interface {
	// SetCommander makes user the incident's commander.
	SetCommander(ctx context.Context, key, actor, user string) (*incident.Incident, error)
	// SetRole gives role to user; user "" takes it away.
	SetRole(ctx context.Context, key, actor, role, user string) (*incident.Incident, error)
	// Reopen opens a resolved or acked incident again.
	Reopen(ctx context.Context, key, actor, reason string) (*incident.Incident, error)
	// SetTitle changes the incident's title.
	SetTitle(ctx context.Context, key, actor, title string) (*incident.Incident, error)
}

// roleRoutes mounts the REST equivalents of /incident commander, role,
// reopen and title under /api/v1/incidents/{key}.
func (s *Server) roleRoutes(r chi.Router) {
	if s.Roles == nil {
		return
	}
	r.Post("/commander", s.roleCall(func(ctx context.Context, key string, b roleRequest) (*incident.Incident, error) {
		return s.Roles.SetCommander(ctx, key, actorOr(b.Actor), b.User)
	}))
	r.Post("/roles", s.roleCall(func(ctx context.Context, key string, b roleRequest) (*incident.Incident, error) {
		if b.Role == "" {
			return nil, incident.Errorf(incident.KindInvalid, `role is required: {"role": "scribe", "user": "dan"} (user "" takes it away)`)
		}
		return s.Roles.SetRole(ctx, key, actorOr(b.Actor), b.Role, b.User)
	}))
	r.Post("/reopen", s.roleCall(func(ctx context.Context, key string, b roleRequest) (*incident.Incident, error) {
		return s.Roles.Reopen(ctx, key, actorOr(b.Actor), b.Reason)
	}))
	r.Post("/title", s.roleCall(func(ctx context.Context, key string, b roleRequest) (*incident.Incident, error) {
		return s.Roles.SetTitle(ctx, key, actorOr(b.Actor), b.Title)
	}))
}

// roleRequest is the body of the role endpoints; each reads its fields.
type roleRequest struct {
	Actor  string `json:"actor"`
	User   string `json:"user"`   // commander, roles
	Role   string `json:"role"`   // roles
	Reason string `json:"reason"` // reopen
	Title  string `json:"title"`  // title
}

func (s *Server) roleCall(fn func(ctx context.Context, key string, b roleRequest) (*incident.Incident, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b roleRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(r, s.cfg.MaxBodyBytes, &b); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		inc, err := fn(r.Context(), chi.URLParam(r, "key"), b)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.kick()
		writeJSON(w, http.StatusOK, s.withDurations(inc)[0])
	}
}

// withDurations sets each incident's durations as of now, for the API's
// answers.
func (s *Server) withDurations(list ...*incident.Incident) []*incident.Incident {
	now := s.Clock.Now()
	for _, inc := range list {
		if inc != nil {
			d := incident.DurationsOf(inc, now)
			inc.Durations = &d
		}
	}
	return list
}
