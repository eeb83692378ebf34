package jiratest

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

// Fault is a failure the fake answers with instead of doing its work, to
// test retries and error handling: a 429 with Retry-After, a proxy's 502 or
// 503 page, a slow answer. Faults strike before authentication, as a
// proxy's or a rate limiter's would, and the request is recorded with
// Request.Fault set.
type Fault struct {
	// Method and Path choose the requests that fail: the HTTP method (empty:
	// any) and a substring of the URL path (empty: any), e.g. "/comment";
	// a Path ending in "$" matches only a path ending there, e.g.
	// "/rest/api/2/issue$" for creates and not comments.
	Method string
	Path   string
	// Times is how many matching requests fail; 0 means 1.
	Times int
	// Status, Header and Body are the answer. Without a Content-Type in
	// Header, a Body starting with "{" is sent as JSON, anything else as
	// plain text, which go-jira reports as "<status>: <body>".
	Status int
	Header map[string]string
	Body   string
	// Delay holds the answer back, to trip client timeouts.
	Delay time.Duration
	// Committed makes Jira do the work before failing, as when a proxy
	// times out after Jira has written the comment: the client sees the
	// failure, the issue has the change. A retry without an idempotency
	// check then duplicates it.
	Committed bool
}

// Inject queues f; queued faults match requests in the order they were
// injected.
func (s *Server) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// FailNext makes the next n requests, whatever they are, fail with status,
// headers and body, e.g. FailNext(1, 429, map[string]string{"Retry-After":
// "1"}, "") or FailNext(2, 503, nil, "upstream unavailable").
func (s *Server) FailNext(n int, status int, headers map[string]string, body string) {
	s.Inject(Fault{Times: n, Status: status, Header: headers, Body: body})
}

// ClearFaults drops every queued fault: the outage they stood for is over.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// SetDown switches an outage on or off: while down, every request gets 503
// with an HTML page, as from a proxy in front of a stopped Jira.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// takeFault returns the first queued fault r matches, using up one of its
// times. Called with s.mu held.
func (s *Server) takeFault(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if suffix, ok := strings.CutSuffix(f.Path, "$"); ok && !strings.HasSuffix(r.URL.Path, suffix) {
			continue
		} else if !ok && !strings.Contains(r.URL.Path, f.Path) {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

func (f *Fault) write(w http.ResponseWriter) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if w.Header().Get("Content-Type") == "" {
		if strings.HasPrefix(strings.TrimSpace(f.Body), "{") {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

// allowWrite enforces Options.IssueWriteLimit; over the limit it answers 429
// with the headers Jira sends and returns false. Called with s.mu held.
func (s *Server) allowWrite(w http.ResponseWriter, is *issue) bool {
	limit := s.opts.IssueWriteLimit
	if limit <= 0 {
		return true
	}
	now := s.opts.Now()
	window := s.opts.IssueWriteWindow
	recent := s.writes[is.key][:0]
	for _, t := range s.writes[is.key] {
		if now.Sub(t) < window {
			recent = append(recent, t)
		}
	}
	s.writes[is.key] = recent
	if len(recent) < limit {
		s.writes[is.key] = append(recent, now)
		return true
	}
	reset := recent[0].Add(window)
	wait := int(math.Ceil(reset.Sub(now).Seconds()))
	h := w.Header()
	h.Set("Retry-After", fmt.Sprint(max(wait, 1)))
	h.Set("X-RateLimit-Limit", fmt.Sprint(limit))
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05Z"))
	h.Set("RateLimit-Reason", "jira-per-issue-on-write")
	writeMessage(w, http.StatusTooManyRequests, "Rate limit exceeded.")
	return false
}
