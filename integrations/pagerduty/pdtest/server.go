package pdtest

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// DefaultRoutingKey is the routing key a Server accepts when no Options name
// others. It has the shape of a real integration key: 32 letters and digits.
const DefaultRoutingKey = "R0UT1NGKEY0000000000000000000000"

// EnqueuePath is the endpoint the fake serves, as PagerDuty does.
const EnqueuePath = "/v2/enqueue"

// maxEvent is PagerDuty's limit on the size of one event.
const maxEvent = 512 * 1024

// Options configures a Server.
type Options struct {
	// RoutingKeys are the integration keys the fake knows. Events sent with
	// any other key are refused with 400 "Invalid routing key". Empty means
	// DefaultRoutingKey alone.
	RoutingKeys []string
}

// Server is a running fake of PagerDuty's Events API v2. It is safe for
// concurrent use.
type Server struct {
	srv  *httptest.Server
	keys map[string]bool

	mu       sync.Mutex
	alerts   []*alert           // every alert, in the order they were opened
	open     map[alertID]*alert // the open (triggered or acknowledged) alerts
	requests []Request
	inject   []int // statuses to answer instead of working, in order
	down     bool
}

// Request is one request the fake received, for assertions such as "nothing
// was sent" or "the event was sent once".
type Request struct {
	Method      string
	Path        string
	ContentType string
	Body        []byte
	// Status is what the fake answered; 0 when it was down and dropped the
	// connection instead.
	Status int
	// Injected is set when the answer came from FailNext or RateLimitNext.
	Injected bool
	// Dropped is set for an acknowledge or resolve that was accepted (202)
	// but matched no open alert, as PagerDuty drops those.
	Dropped bool
}

// New starts a fake PagerDuty that is stopped when the test ends. Keys from
// every Options given are registered; with none, DefaultRoutingKey is.
func New(t testing.TB, opts ...Options) *Server {
	t.Helper()
	s := &Server{keys: map[string]bool{}, open: map[alertID]*alert{}}
	for _, o := range opts {
		for _, k := range o.RoutingKeys {
			s.keys[k] = true
		}
	}
	if len(s.keys) == 0 {
		s.keys[DefaultRoutingKey] = true
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the fake's base URL without a trailing slash, the value for the
// client's Config.URL; events go to URL() + EnqueuePath.
func (s *Server) URL() string { return s.srv.URL }

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxEvent+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	req := Request{Method: r.Method, Path: r.URL.Path, ContentType: ct, Body: body}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		s.requests = append(s.requests, req)
		hangUp(w)
		return
	}
	if len(s.inject) > 0 {
		req.Status, s.inject = s.inject[0], s.inject[1:]
		req.Injected = true
		s.requests = append(s.requests, req)
		writeInjected(w, req.Status)
		return
	}
	switch {
	case r.URL.Path != EnqueuePath:
		req.Status = http.StatusNotFound
		http.NotFound(w, r)
	case r.Method != http.MethodPost:
		req.Status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", req.Status)
	default:
		s.enqueue(w, &req)
	}
	s.requests = append(s.requests, req)
}

// hangUp closes the connection without an answer, which the client sees as
// a network error, as when PagerDuty is unreachable.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("pdtest: response writer cannot hijack the connection")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}
