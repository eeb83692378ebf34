package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// throttle counts failed sign-ins per client address, so that the access
// token cannot be guessed at speed: after maxFailures in window, the
// address waits out the window.
type throttle struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

const (
	maxFailures    = 5
	failureWindow  = time.Minute
	maxTrackedAddr = 10000
)

func newThrottle(now func() time.Time) *throttle {
	return &throttle{failures: map[string][]time.Time{}, now: now}
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// blocked reports whether addr must wait, and for how long.
func (t *throttle) blocked(addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.recent(addr)
	if len(recent) < maxFailures {
		return false, 0
	}
	return true, recent[0].Add(failureWindow).Sub(t.now())
}

// fail records a failed attempt.
func (t *throttle) fail(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.failures) > maxTrackedAddr {
		t.failures = map[string][]time.Time{} // a flood: start over rather than grow
	}
	t.failures[addr] = append(t.recent(addr), t.now())
}

// recent drops attempts older than the window. Called with t.mu held.
func (t *throttle) recent(addr string) []time.Time {
	cut := t.now().Add(-failureWindow)
	kept := t.failures[addr][:0]
	for _, at := range t.failures[addr] {
		if at.After(cut) {
			kept = append(kept, at)
		}
	}
	if len(kept) == 0 {
		delete(t.failures, addr)
		return nil
	}
	t.failures[addr] = kept
	return kept
}
