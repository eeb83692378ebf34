package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// bearerOf returns the token of "Authorization: Bearer <token>", or "".
func bearerOf(r *http.Request) string {
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(got)
}

// constantTimeEqual compares secrets without telling by its timing how
// much of got was right.
func constantTimeEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// hookAuth authenticates an alert hook: its bearer token when it has one,
// its signature (checked on the body) when it has one; a hook with neither
// is off, whatever the rest of the service allows.
func (s *Server) hookAuth(h Hook) func(http.Handler) http.Handler {
	if h.Token != "" {
		return s.requireBearer(h.Token, h.Key)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h.Verify == nil {
				s.writeError(w, r, incident.Errorf(incident.KindUnauthorized,
					"POST %s is off: it has no secret; set %s (make one with `warroom secret`)", h.Path, h.Key))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// requireBearer rejects requests without the token with a 401 that says
// which header to send.
func (s *Server) requireBearer(token, what string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			wrong := incident.Errorf(incident.KindUnauthorized, "missing or wrong token: send \"Authorization: Bearer <%s>\"", what)
			if err := s.checkSecret(w, r, bearerOf(r), token, wrong); err != nil {
				s.writeError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// apiAuth guards /api/v1: the bearer api.token when it is set; without it
// the API is open (cmd allows that on loopback, or when the config says so
// explicitly), guarded only against cross-site requests.
func (s *Server) apiAuth(next http.Handler) http.Handler {
	if s.cfg.APIToken == "" {
		return next
	}
	return s.requireBearer(s.cfg.APIToken, "api.token")(next)
}
