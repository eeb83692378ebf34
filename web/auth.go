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
// empty token means no authentication is configured.
func bearerOK(r *http.Request, token string) bool {
	if token == "" {
		return true
	}
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
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
