package jiratest

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate checks the Authorization header; on failure it answers and
// returns false. Called with s.mu held.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
		writeMessage(w, http.StatusUnauthorized, msgNotLoggedIn)
		return "", false
	}
	if token, ok := strings.CutPrefix(auth, "Bearer "); ok {
		if s.opts.PAT != "" && equal(token, s.opts.PAT) {
			return s.opts.User, true
		}
		writeMessage(w, http.StatusUnauthorized, msgNotLoggedIn)
		return "", false
	}
	user, pass, ok := r.BasicAuth()
	if !ok {
		writeMessage(w, http.StatusUnauthorized, msgNotLoggedIn)
		return "", false
	}
	if s.captcha {
		s.denyCaptcha(w)
		return "", false
	}
	if s.opts.Token != "" && equal(user, s.opts.User) && equal(pass, s.opts.Token) {
		s.failedAuth = 0
		return s.opts.User, true
	}
	s.failedAuth++
	if s.opts.CaptchaAfter > 0 && s.failedAuth >= s.opts.CaptchaAfter {
		s.captcha = true
		s.denyCaptcha(w)
		return "", false
	}
	w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATED_FAILED")
	writeMessage(w, http.StatusUnauthorized, msgNotLoggedIn)
	return "", false
}

// denyCaptcha is Data Center's answer once too many logins failed: no
// password is checked until someone solves a CAPTCHA in the browser.
func (s *Server) denyCaptcha(w http.ResponseWriter) {
	w.Header().Set("X-Seraph-LoginReason", "AUTHENTICATION_DENIED")
	w.Header().Set("X-Authentication-Denied-Reason", "CAPTCHA_CHALLENGE; login-url="+s.base+"/login.jsp")
	writeMessage(w, http.StatusForbidden, "CAPTCHA_CHALLENGE")
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
