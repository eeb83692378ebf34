package rctest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Rocket.Chat. It is safe for concurrent use.
type Server struct {
	t       testing.TB
	opts    Options
	srv     *httptest.Server
	base    string
	mux     *http.ServeMux
	version [3]int
	nameRE  *regexp.Regexp

	mu          sync.Mutex
	rng         *rand.Rand
	users       []*user
	rooms       []*room // in creation order, deleted ones included
	msgs        map[string]*message
	files       map[string]*file
	seq         int64
	requests    []Request
	faults      []*Fault
	down        bool
	buckets     map[string]*bucket
	outgoing    *OutgoingWebhook
	integration string // the outgoing integration's id
	deliveries  []Delivery
	inflight    sync.WaitGroup
}

// New starts a fake Rocket.Chat configured by opts and stops it when the
// test ends, after the outgoing webhook calls still running have finished.
// It fails the test when opts is inconsistent (a bad version or name
// regex, two users with one username).
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	o := opts.withDefaults()
	s := &Server{
		t:       t,
		opts:    o,
		mux:     http.NewServeMux(),
		rng:     rand.New(rand.NewChaCha8([32]byte{'r', 'c', 't', 'e', 's', 't'})),
		msgs:    map[string]*message{},
		files:   map[string]*file{},
		buckets: map[string]*bucket{},
	}
	v, err := parseVersion(o.Version)
	if err != nil {
		t.Fatalf("rctest: %v", err)
	}
	s.version = v
	if s.nameRE, err = regexp.Compile("^(?:" + o.NameRegex + ")$"); err != nil {
		t.Fatalf("rctest: NameRegex: %v", err)
	}
	if o.Bot.ID == "" {
		o.Bot.ID = s.newID()
	}
	if o.Bot.Token == "" {
		o.Bot.Token = "pat-" + s.newID()
	}
	s.opts.Bot = o.Bot
	for _, u := range append([]User{o.Bot}, o.Users...) {
		if err := s.addUser(u); err != nil {
			t.Fatalf("rctest: %v", err)
		}
	}
	if o.Outgoing != nil {
		s.outgoing = o.Outgoing
		s.integration = s.newID()
	}
	s.routes()
	s.srv = httptest.NewServer(s)
	s.base = s.srv.URL
	t.Cleanup(s.srv.Close)
	t.Cleanup(s.inflight.Wait) // runs first: cleanups are LIFO
	return s
}

// URL is the base URL (the Site_Url), without a trailing slash; the REST
// API is under URL()+"/api/v1/".
func (s *Server) URL() string { return s.base }

// Options are the options in effect, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Bot is the service account, with the ID and Token the code under test
// sends as X-User-Id and X-Auth-Token.
func (s *Server) Bot() User { return s.opts.Bot }

// User returns the account with that username, with its generated ID; it
// fails the test when there is none.
func (s *Server) User(username string) User {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByName(username)
	if u == nil {
		s.t.Fatalf("rctest: no user %q", username)
	}
	out := User{ID: u.id, Username: u.username, Name: u.name, Roles: append([]string(nil), u.roles...), Password: u.password, Type: u.typ}
	if len(u.tokens) > 0 {
		out.Token = u.tokens[0]
	}
	return out
}

func (s *Server) addUser(in User) error {
	if in.Username == "" {
		return fmt.Errorf("a user without a username")
	}
	if s.userByName(in.Username) != nil {
		return fmt.Errorf("two users named %q", in.Username)
	}
	u := &user{id: in.ID, username: in.Username, name: in.Name, typ: in.Type, roles: in.Roles, password: in.Password}
	if u.id == "" {
		u.id = s.newID()
	}
	if u.name == "" {
		u.name = u.username
	}
	if u.typ == "" {
		u.typ = "user"
	}
	if len(u.roles) == 0 {
		u.roles = []string{"user"}
	}
	if in.Token != "" {
		u.tokens = []string{in.Token}
	}
	s.users = append(s.users, u)
	return nil
}

// call is one API request being served, with s.mu held.
type call struct {
	w     http.ResponseWriter
	r     *http.Request
	user  *user
	route string
	body  map[string]rawField
	fx    // outgoing webhook calls to make once s.mu is released
}

type handler func(c *call) (map[string]any, error)

type infoKey struct{}

// reqInfo carries what the route learnt back to the request log.
type reqInfo struct{ userID string }

// route registers an API v1 method; authenticated routes want both login
// headers and are rate limited.
func (s *Server) route(method, name string, auth bool, h handler) {
	pattern := "/api/v1/" + name
	s.mux.HandleFunc(method+" "+toMuxPattern(pattern), func(w http.ResponseWriter, r *http.Request) {
		s.serveRoute(w, r, pattern, auth, h)
	})
}

// toMuxPattern turns Rocket.Chat's ":rid" path parameters into "{rid}".
func toMuxPattern(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if name, ok := strings.CutPrefix(part, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, pattern string, auth bool, h handler) {
	c := &call{w: w, r: r, route: pattern}
	func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if auth {
			u, err := s.authenticate(r)
			if err != nil {
				writeError(w, err)
				return
			}
			c.user = u
			if info, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
				info.userID = u.id
			}
			if err := s.limit(c); err != nil {
				writeError(w, err)
				return
			}
		}
		if r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			body, err := parseBody(r)
			if err != nil {
				writeError(w, err)
				return
			}
			c.body = body
		}
		out, err := h(c)
		if err != nil {
			writeError(w, err)
			return
		}
		writeSuccess(w, out)
	}()
	s.dispatch(c.jobs)
}

// ServeHTTP runs a request through what stands in front of Rocket.Chat's
// routes: the outage switch and injected faults. Every request is recorded.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	sw := &statusWriter{ResponseWriter: w}
	info := &reqInfo{}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
	s.mu.Lock()
	down := s.down
	var fault *Fault
	if !down {
		fault = s.takeFault(r)
	}
	s.mu.Unlock()
	defer func() { s.record(r, path, sw.status(), down || fault != nil, info.userID) }()

	switch {
	case down:
		sw.Header().Set("Content-Type", "text/html")
		sw.WriteHeader(http.StatusServiceUnavailable)
		_, _ = sw.Write([]byte(downPage))
		return
	case fault == nil:
		s.mux.ServeHTTP(sw, r)
		return
	}
	if fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if fault.Committed {
		s.mux.ServeHTTP(httptest.NewRecorder(), r)
	}
	fault.write(sw)
}

// downPage is what a reverse proxy says while Rocket.Chat is down.
const downPage = "<html><head><title>503 Service Temporarily Unavailable</title></head>" +
	"<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n"

// statusWriter remembers the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

const idChars = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"

// newID is a Meteor-style random id: 17 characters from Meteor's
// unambiguous alphabet. Called with s.mu held, or before the server runs.
func (s *Server) newID() string {
	b := make([]byte, 17)
	for i := range b {
		b[i] = idChars[s.rng.IntN(len(idChars))]
	}
	return string(b)
}

func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Millisecond) }

func parseVersion(v string) ([3]int, error) {
	var out [3]int
	parts := strings.SplitN(strings.SplitN(v, "-", 2)[0], ".", 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return out, fmt.Errorf("version %q: %v", v, err)
		}
		out[i] = n
	}
	return out, nil
}

func (s *Server) atLeast(major, minor, patch int) bool {
	v := s.version
	switch {
	case v[0] != major:
		return v[0] > major
	case v[1] != minor:
		return v[1] > minor
	}
	return v[2] >= patch
}

func (s *Server) hasMedia() bool {
	switch s.opts.Media {
	case MediaOn:
		return true
	case MediaOff:
		return false
	}
	return s.atLeast(6, 10, 0)
}
