package jiratest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a fake Jira Data Center. It is safe for concurrent use.
type Server struct {
	t    testing.TB
	opts Options
	srv  *httptest.Server
	base string
	mux  *http.ServeMux

	mu          sync.Mutex
	issues      []*issue // in creation order
	byKey       map[string]*issue
	byID        map[string]*issue
	attachments map[string]*attachment
	users       map[string]*User
	seq         map[string]int // id counters by kind
	requests    []Request
	faults      []*Fault
	down        bool
	failedAuth  int
	captcha     bool
	writes      map[string][]time.Time // per issue key, for IssueWriteLimit
	events      []Webhook
	issueLinks  []*issueLink
	projects    []*project // the main project first
	issueTypes  []string   // of every project, in order of first use; ids by index
}

// New starts a fake Jira configured by opts and stops it when the test
// ends. It fails the test when opts is inconsistent (a transition to an
// unknown status, say).
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{
		t:           t,
		opts:        opts.withDefaults(),
		mux:         http.NewServeMux(),
		byKey:       map[string]*issue{},
		byID:        map[string]*issue{},
		attachments: map[string]*attachment{},
		users:       map[string]*User{},
		seq:         map[string]int{},
		writes:      map[string][]time.Time{},
	}
	if err := errors.Join(s.setupProjects(), s.checkWorkflow()); err != nil {
		t.Fatalf("jiratest: %v", err)
	}
	s.addUser(User{Name: s.opts.User, DisplayName: s.opts.DisplayName})
	for _, u := range s.opts.Users {
		s.addUser(u)
	}
	s.routes()
	s.srv = httptest.NewServer(s)
	s.base = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL of the fake, without a trailing slash; go-jira's
// NewClient takes it as is.
func (s *Server) URL() string { return s.base }

// Options are the options in effect, defaults filled in: tests read the
// bot's credentials (User, Token, PAT) from here.
func (s *Server) Options() Options { return s.opts }

func (s *Server) routes() {
	const api = "/rest/api/2"
	s.handle("POST "+api+"/issue", s.createIssue)
	s.handle("GET "+api+"/issue/{key}", s.getIssue)
	s.handle("PUT "+api+"/issue/{key}", s.editIssue)
	s.handle("GET "+api+"/issue/{key}/comment", s.listComments)
	s.handle("POST "+api+"/issue/{key}/comment", s.addComment)
	s.handle("POST "+api+"/issue/{key}/attachments", s.addAttachments)
	s.handle("GET "+api+"/attachment/{id}", s.getAttachment)
	s.handle("DELETE "+api+"/attachment/{id}", s.deleteAttachment)
	s.handle("GET /secure/attachment/{id}/{name...}", s.downloadAttachment)
	s.handle("GET "+api+"/issue/{key}/transitions", s.getTransitions)
	s.handle("POST "+api+"/issue/{key}/transitions", s.doTransition)
	s.handle("GET "+api+"/issue/{key}/remotelink", s.listRemoteLinks)
	s.handle("POST "+api+"/issue/{key}/remotelink", s.addRemoteLink)
	s.handle("POST "+api+"/issueLink", s.addIssueLink)
	s.handle("GET "+api+"/issueLinkType", s.listLinkTypes)
	s.handle("GET "+api+"/search", s.searchGet)
	s.handle("POST "+api+"/search", s.searchPost)
	s.handle("GET "+api+"/project", s.listProjects)
	s.handle("GET "+api+"/project/{project}", s.getProject)
	s.handle("GET "+api+"/issue/createmeta/{project}/issuetypes", s.createMetaIssueTypes)
	s.handle("GET "+api+"/issue/createmeta/{project}/issuetypes/{type}", s.createMetaFields)
	s.handle("GET "+api+"/myself", s.myself)
	s.handle("GET "+api+"/serverInfo", s.serverInfo)
}

type userKey struct{}

// handle registers h; h runs with s.mu held and the logged-in user's name.
func (s *Server) handle(pattern string, h func(w http.ResponseWriter, r *http.Request, user string)) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		user, _ := r.Context().Value(userKey{}).(string)
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, user)
	})
}

// ServeHTTP runs a request through what stands in front of Jira's REST
// resources: the outage switch, injected faults, authentication. Every
// request is recorded.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(r.URL.Path, "/rest/api/latest/"); ok {
		r.URL.Path = "/rest/api/2/" + rest
	}
	sw := &statusWriter{ResponseWriter: w}
	s.mu.Lock()
	down := s.down
	var fault *Fault
	if !down {
		fault = s.takeFault(r)
	}
	s.mu.Unlock()
	defer func() { s.record(r, path, sw.status(), fault != nil) }()

	switch {
	case down:
		writeText(sw, http.StatusServiceUnavailable, "text/html; charset=iso-8859-1", downPage)
		return
	case fault == nil:
		s.serveAuthenticated(sw, r)
		return
	}
	if fault.Delay > 0 {
		// Read the body first: only then does the HTTP server notice a
		// client that goes away (or is killed) while the answer is held.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if fault.Committed {
		s.serveAuthenticated(httptest.NewRecorder(), r)
	}
	fault.write(sw)
}

func (s *Server) serveAuthenticated(w http.ResponseWriter, r *http.Request) {
	// serverInfo answers anonymous callers too, so it proves the server is
	// up, not that the credentials work.
	if r.URL.Path == "/rest/api/2/serverInfo" {
		s.mux.ServeHTTP(w, r)
		return
	}
	s.mu.Lock()
	user, ok := s.authenticate(w, r)
	s.mu.Unlock()
	if !ok {
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, user)))
}

// downPage is what a reverse proxy says while Jira is down.
const downPage = "<html><head><title>503 Service Unavailable</title></head>" +
	"<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>\n"

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

// next returns the next id of a kind; ids are numeric strings like Jira's.
func (s *Server) next(kind string, first int) string {
	if s.seq[kind] == 0 {
		s.seq[kind] = first
	} else {
		s.seq[kind]++
	}
	return fmt.Sprint(s.seq[kind])
}

func (s *Server) now() time.Time {
	return s.opts.Now().In(s.opts.Location).Truncate(time.Millisecond)
}

func (s *Server) checkWorkflow() error {
	if len(s.opts.Statuses) == 0 {
		return fmt.Errorf("no statuses")
	}
	for _, st := range s.opts.Statuses {
		if !slices.Contains([]string{CategoryNew, CategoryIndeterminate, CategoryDone}, st.Category) {
			return fmt.Errorf("status %q: unknown category %q", st.Name, st.Category)
		}
	}
	for _, tr := range s.opts.Transitions {
		if _, ok := s.status(tr.To); !ok {
			return fmt.Errorf("transition %s %q: unknown status %q", tr.ID, tr.Name, tr.To)
		}
		for _, from := range tr.From {
			if _, ok := s.status(from); !ok {
				return fmt.Errorf("transition %s %q: unknown status %q", tr.ID, tr.Name, from)
			}
		}
	}
	return nil
}
