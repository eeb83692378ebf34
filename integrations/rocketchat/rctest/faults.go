package rctest

import (
	"net/http"
	"strings"
	"time"
)

// Fault is a failure the fake answers with instead of doing its work, to
// test retries and error handling: a 429 from a proxy, a 502 page, a slow
// answer. Faults strike before routing and authentication, as a proxy's
// would, and the request is recorded with Request.Fault set.
type Fault struct {
	// Method and Path choose the requests that fail: the HTTP method (empty:
	// any) and a substring of the URL path (empty: any), e.g.
	// "chat.postMessage".
	Method string
	Path   string
	// Times is how many matching requests fail; 0 means 1.
	Times int
	// Status, Header and Body are the answer. Without a Content-Type in
	// Header, a Body starting with "{" is sent as JSON, anything else as
	// plain text.
	Status int
	Header map[string]string
	Body   string
	// Delay holds the answer back, to trip client timeouts.
	Delay time.Duration
	// Committed makes Rocket.Chat do the work before failing, as when a
	// proxy times out after the message was saved: the client sees the
	// failure, the room has the message. A blind retry then duplicates it.
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
// headers and body, e.g. FailNext(1, 502, nil, "Bad Gateway").
func (s *Server) FailNext(n int, status int, headers map[string]string, body string) {
	s.Inject(Fault{Times: n, Status: status, Header: headers, Body: body})
}

// RateLimitNext makes the next n requests to paths containing path (empty:
// any) answer Rocket.Chat's own 429: the JSON error and the X-RateLimit-*
// headers, Reset being wait from now in epoch milliseconds.
func (s *Server) RateLimitNext(n int, path string, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	s.Inject(Fault{
		Times: n, Path: path, Status: http.StatusTooManyRequests,
		Header: map[string]string{
			"X-RateLimit-Limit":     itoa(int64(s.opts.RateLimit.Calls)),
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Reset":     itoa(s.opts.Now().Add(wait).UnixMilli()),
		},
		Body: `{"success":false,"error":"Error, too many requests. Please slow down. You must wait ` + itoa(int64(secs)) +
			` seconds before trying this endpoint again. [error-too-many-requests]"}`,
	})
}

// SetDown switches an outage on or off: while down, every request gets 503
// with an HTML page, as from a proxy in front of a stopped Rocket.Chat.
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
		if !strings.Contains(r.URL.Path, f.Path) {
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
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}
