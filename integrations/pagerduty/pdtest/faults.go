package pdtest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// FailNext makes the next n requests, whatever they hold, fail with status
// without being processed. A 400 carries PagerDuty's "invalid event" body, a
// 429 its throttle body, anything else a plain-text page as from a proxy.
// Queued failures (FailNext and RateLimitNext) are used in the order they
// were queued.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.inject = append(s.inject, status)
	}
}

// RateLimitNext makes the next n requests get 429, as when a routing key
// sends more than PagerDuty's ~120 events a minute. Like PagerDuty the fake
// sends no Retry-After header.
func (s *Server) RateLimitNext(n int) { s.FailNext(n, http.StatusTooManyRequests) }

// SetDown switches an outage on or off: while down, the fake reads each
// request and closes the connection without answering, so the client gets
// a network error.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// throttleBody is what the fake answers with 429. PagerDuty documents only
// the status ("429 - Request Limit Exceeded"); the body's wording is a guess
// in the shape of its other answers, and clients must not depend on it.
var throttleBody = answer{Status: "throttle event", Message: "Requests for this service are arriving too quickly. Please retry later."}

func writeInjected(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusBadRequest:
		writeJSON(w, status, invalid("injected by pdtest.FailNext"))
	case http.StatusTooManyRequests:
		writeJSON(w, status, throttleBody)
	default:
		http.Error(w, fmt.Sprintf("%d %s (injected by pdtest)", status, http.StatusText(status)), status)
	}
}

// answer is the body of PagerDuty's answers to /v2/enqueue.
type answer struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key,omitempty"`
	Errors   []string `json:"errors,omitempty"`
}

func invalid(errs ...string) answer {
	return answer{Status: "invalid event", Message: "Event object is invalid", Errors: errs}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // answer always marshals
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
