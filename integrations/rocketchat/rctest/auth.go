package rctest

import (
	"crypto/subtle"
	"net/http"
	"slices"
)

// authenticate wants X-User-Id and X-Auth-Token, the token being one of
// that user's; anything less is the 401 of Rocket.Chat. Called with s.mu
// held.
func (s *Server) authenticate(r *http.Request) (*user, error) {
	id, token := r.Header.Get("X-User-Id"), r.Header.Get("X-Auth-Token")
	if id == "" || token == "" {
		return nil, s.notLoggedIn()
	}
	u := s.userByID(id)
	if u == nil {
		return nil, s.notLoggedIn()
	}
	for _, t := range u.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			return u, nil
		}
	}
	return nil, s.notLoggedIn()
}

// info is GET /api/info (the unversioned default API): anonymous callers
// get the version too.
func (s *Server) info(w http.ResponseWriter, _ *http.Request) {
	writeSuccess(w, map[string]any{"version": s.opts.Version})
}

// login is POST /api/v1/login with {"user"|"username", "password"} or
// {"resume": token}. It answers in the old "status"/"data" shape, and 401
// {"status":"error","error":"Unauthorized","message":"Unauthorized"} for
// bad credentials. Each login adds a new token.
func (s *Server) login(c *call) (map[string]any, error) {
	name, err := c.str("user")
	if err != nil {
		return nil, err
	}
	if name == "" {
		if name, err = c.str("username"); err != nil {
			return nil, err
		}
	}
	password, _ := c.str("password")
	resume, _ := c.str("resume")
	var u *user
	switch {
	case resume != "":
		for _, cand := range s.users {
			if slices.Contains(cand.tokens, resume) {
				u = cand
			}
		}
	case name != "" && password != "":
		if cand := s.userByName(name); cand != nil && cand.password != "" && cand.password == password {
			u = cand
		}
	}
	if u == nil {
		writeJSON(c.w, http.StatusUnauthorized, map[string]any{"status": "error", "error": "Unauthorized", "message": "Unauthorized"})
		return nil, errWritten
	}
	token := "login-" + s.newID()
	u.tokens = append(u.tokens, token)
	writeJSON(c.w, http.StatusOK, map[string]any{
		"status": "success",
		"data":   map[string]any{"authToken": token, "userId": u.id, "me": userJSON(u, true)},
	})
	return nil, errWritten
}

// me is GET /api/v1/me: the caller's own user, with roles.
func (s *Server) me(c *call) (map[string]any, error) {
	return userJSON(c.user, true), nil
}

// usersInfo is GET /api/v1/users.info?userId=…|username=…; an unknown user
// is 400 error-invalid-user.
func (s *Server) usersInfo(c *call) (map[string]any, error) {
	var u *user
	if id := c.query("userId"); id != "" {
		u = s.userByID(id)
	} else if name := c.query("username"); name != "" {
		u = s.userByName(name)
	} else {
		return nil, meteorError("error-user-param-not-provided", `The required "userId" or "username" param was not provided`, nil)
	}
	if u == nil {
		return nil, meteorError("error-invalid-user", `The required "userId" or "username" param provided does not match any users`, nil)
	}
	return map[string]any{"user": userJSON(u, u == c.user)}, nil
}

func (s *Server) userByID(id string) *user {
	for _, u := range s.users {
		if u.id == id {
			return u
		}
	}
	return nil
}

func (s *Server) userByName(name string) *user {
	for _, u := range s.users {
		if u.username == name {
			return u
		}
	}
	return nil
}

// can says whether u holds permission, globally or, when r is given,
// through its room roles there. Called with s.mu held.
func (s *Server) can(u *user, permission string, r *room) bool {
	roles := s.opts.Permissions[permission]
	for _, role := range u.roles {
		if slices.Contains(roles, role) {
			return true
		}
	}
	if r != nil {
		if m := r.member(u); m != nil {
			for _, role := range m.roles {
				if slices.Contains(roles, role) {
					return true
				}
			}
		}
	}
	return false
}
