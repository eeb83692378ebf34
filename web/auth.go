package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// bearerOK reports whether r carries "Authorization: Bearer <token>". An
// empty token matches nothing.
func bearerOK(r *http.Request, token string) bool {
	if token == "" {
		return false
	}
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}

// hookAuth authenticates an alert hook: its bearer token when it has one
// (a signature, when it has one, is checked on the body), and when it has
// neither, the hook is open only while the whole service is.
func (s *Server) hookAuth(h Hook) func(http.Handler) http.Handler {
	if h.Token != "" {
		return s.requireBearer(h.Token, h.Key)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if h.Verify == nil && s.cfg.APIToken != "" {
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
			if !bearerOK(r, token) {
				s.writeError(w, r, incident.Errorf(incident.KindUnauthorized,
					"missing or wrong token: send \"Authorization: Bearer <%s>\"", what))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// The web UI keeps who you are in a cookie, signed when a secret is set so
// that nobody can act under another name without the token.
const userCookie = "warroom_user"

func (s *Server) signUser(name string) string {
	if s.cfg.APIToken == "" {
		return name
	}
	mac := hmac.New(sha256.New, []byte("warroom-ui\x00"+s.cfg.APIToken))
	mac.Write([]byte(name))
	return name + "|" + hex.EncodeToString(mac.Sum(nil))
}

// uiUser returns the signed-in name, or "".
func (s *Server) uiUser(r *http.Request) string {
	c, err := r.Cookie(userCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	name := c.Value
	if s.cfg.APIToken != "" {
		i := strings.LastIndexByte(c.Value, '|')
		if i < 0 {
			return ""
		}
		name = c.Value[:i]
		if !hmac.Equal([]byte(s.signUser(name)), []byte(c.Value)) {
			return ""
		}
	}
	return name
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
