package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/warroom/warroom/incident"
)

// Sessions stores the web UI's sessions, server-side. Ids are given as
// their SHA-256 (hex): the store never sees a usable cookie. tokenFP names
// the api.token a session was made under.
type Sessions interface {
	// CreateSession stores a session until expires.
	CreateSession(ctx context.Context, idHash, user, csrf, tokenFP string, now, expires time.Time) error
	// Session returns a live session's user and CSRF token and whether a
	// flash message waits, or a KindNotFound error when it does not exist,
	// has expired or was made under another tokenFP.
	Session(ctx context.Context, idHash, tokenFP string, now time.Time) (user, csrf string, flash bool, err error)
	// DeleteSession ends a session; ending a missing one is no error.
	DeleteSession(ctx context.Context, idHash string) error
	// SetFlash keeps one message for the session's next page.
	SetFlash(ctx context.Context, idHash, kind, text string) error
	// TakeFlash returns that message once ("" when there is none).
	TakeFlash(ctx context.Context, idHash string) (kind, text string, err error)
}

// sessionCookie holds the random session id.
const sessionCookie = "warroom_session"

// sessionTTL is how long a sign-in lasts: an on-call week.
const sessionTTL = 7 * 24 * time.Hour

// session is the signed-in browser of a request.
type session struct {
	idHash string
	user   string
	csrf   string
	flash  bool // a message waits: only then is it read (and cleared)
}

type sessionKey struct{}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never returns an error on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// tokenFP fingerprints api.token, so that a session made under one token
// does not survive a change to another (or from none to one).
func (s *Server) tokenFP() string {
	if s.cfg.APIToken == "" {
		return "open"
	}
	mac := hmac.New(sha256.New, []byte(s.cfg.APIToken))
	mac.Write([]byte("warroom session"))
	return hex.EncodeToString(mac.Sum(nil))
}

// startSession signs user in: a new random id in the store and the cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user string) error {
	id, now := randomToken(), s.Clock.Now()
	if err := s.Sessions.CreateSession(r.Context(), hashID(id), user, randomToken(), s.tokenFP(), now, now.Add(sessionTTL)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies(), MaxAge: int(sessionTTL.Seconds())})
	return nil
}

// secureCookies: whenever people reach warroom over https.
func (s *Server) secureCookies() bool {
	return len(s.cfg.PublicURL) >= 8 && s.cfg.PublicURL[:8] == "https://"
}

// endSession signs the request's session out, in the store and the cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if sess := sessionOf(r); sess != nil {
		if err := s.Sessions.DeleteSession(r.Context(), sess.idHash); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies(), MaxAge: -1})
	return nil
}

// loadSession finds the request's live session, or nil.
func (s *Server) loadSession(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	h := hashID(c.Value)
	user, csrf, flash, err := s.Sessions.Session(r.Context(), h, s.tokenFP(), s.Clock.Now())
	if incident.ErrorKind(err) == incident.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &session{idHash: h, user: user, csrf: csrf, flash: flash}, nil
}

// withSession puts the request's session (if any) in its context.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.loadSession(r)
		if err != nil {
			s.uiError(w, r, err)
			return
		}
		if sess != nil {
			r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
		}
		next.ServeHTTP(w, r)
	})
}

func sessionOf(r *http.Request) *session {
	sess, _ := r.Context().Value(sessionKey{}).(*session)
	return sess
}

// uiUser returns the signed-in name, or "".
func (s *Server) uiUser(r *http.Request) string {
	if sess := sessionOf(r); sess != nil {
		return sess.user
	}
	return ""
}

// checkCSRF refuses a form that does not carry the session's CSRF token.
// Call it after the form is parsed (and its size limited).
func checkCSRF(r *http.Request) error {
	sess := sessionOf(r)
	if sess == nil || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.csrf)) != 1 {
		return incident.Errorf(incident.KindForbidden,
			"this form did not come from your warroom page (missing or wrong CSRF token): reload the page and try again")
	}
	return nil
}

// Flash kinds.
const (
	flashNotice = "notice"
	flashError  = "error"
)

// flash keeps a message for the next page of the request's session. With
// no session there is nowhere to keep it, and it is dropped (logged).
func (s *Server) flash(r *http.Request, kind, text string) {
	sess := sessionOf(r)
	if sess == nil || text == "" {
		return
	}
	if err := s.Sessions.SetFlash(r.Context(), sess.idHash, kind, text); err != nil {
		s.log.Warn("keep flash message", "err", err)
	}
}

// takeFlash returns the session's message for this page, once: a banner,
// or a reply for the page to place.
func (s *Server) takeFlash(r *http.Request) (notice, errText string, rp *reply) {
	sess := sessionOf(r)
	if sess == nil || !sess.flash {
		return "", "", nil
	}
	kind, text, err := s.Sessions.TakeFlash(r.Context(), sess.idHash)
	if err != nil {
		s.log.Warn("read flash message", "err", err)
	}
	switch kind {
	case flashError:
		return "", text, nil
	case flashReply:
		rp = new(reply)
		if err := json.Unmarshal([]byte(text), rp); err != nil {
			s.log.Warn("read flash reply", "err", err)
			return "", "", nil
		}
		return "", "", rp
	}
	return text, "", nil
}
