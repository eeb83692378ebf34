package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// testClock is moved by hand, and records the waits asked of it.
type testClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func (c *testClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d) // recorded, not waited: the test moves time itself
	return nil
}

// takeSlept returns the waits since the last call.
func (c *testClock) takeSlept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.slept
	c.slept = nil
	return out
}

// noJobs answers GET /api/v1/jobs: the call a token opens.
type noJobs struct{}

func (noJobs) Jobs(context.Context, int64, incident.JobState) ([]incident.Job, error) {
	return nil, nil
}
func (noJobs) RetryParked(context.Context, int64, time.Time) error { return nil }

func (noJobs) JobStats(context.Context) ([]incident.JobCount, error) { return nil, nil }

// noSessions is a Sessions that has none.
type noSessions struct{}

func (noSessions) CreateSession(context.Context, string, string, string, string, time.Time, time.Time) error {
	return nil
}
func (noSessions) Session(context.Context, string, string, time.Time) (string, string, bool, error) {
	return "", "", false, incident.Errorf(incident.KindNotFound, "none")
}
func (noSessions) DeleteSession(context.Context, string) error               { return nil }
func (noSessions) SetFlash(context.Context, string, string, string) error    { return nil }
func (noSessions) TakeFlash(context.Context, string) (string, string, error) { return "", "", nil }

const goodToken = "the-right-token"

func guessingServer(t *testing.T) (*Server, http.Handler, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	svc := newFakeService(clock.Now)
	s, err := New(Config{APIToken: goodToken}, Deps{Incidents: svc, Lifecycle: svc, Updates: svc, Alerts: svc, Commands: svc,
		Jobs: noJobs{}, Sessions: noSessions{}, Clock: clock, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return s, s.Handler(), clock
}

// apiCall sends GET /api/v1/jobs from addr with token, as the network
// delivers it, and returns the status.
func apiCall(h http.Handler, addr, token string) int {
	r := httptest.NewRequest("GET", "/api/v1/jobs", nil)
	r.RemoteAddr = addr
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func v4(i int) string { return fmt.Sprintf("10.%d.%d.%d:4000", i>>16&255, i>>8&255, i&255) }

// A blocked address stays blocked while many other addresses fail, and the
// table stays bounded.
func TestLimiterHoldsUnderAFlood(t *testing.T) {
	tests := []struct {
		name     string
		attacker int // addresses failing once each, after the blocked one
	}{
		{"a few addresses", 10},
		{"more addresses than the table holds", 2*maxTrackedAddrs + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, h, clock := guessingServer(t)
			blocked := "192.0.2.1:5000"
			for range failuresPerAddr {
				apiCall(h, blocked, "guess")
			}
			if code := apiCall(h, blocked, goodToken); code != http.StatusTooManyRequests {
				t.Fatalf("after %d wrong tokens: %d, want 429", failuresPerAddr, code)
			}
			for i := range tt.attacker {
				apiCall(h, v4(i), "guess")
			}
			if code := apiCall(h, blocked, goodToken); code != http.StatusTooManyRequests {
				t.Errorf("after %d other addresses failed, the blocked address is let in: %d", tt.attacker, code)
			}
			if n := s.limiter.tracked(); n > maxTrackedAddrs {
				t.Errorf("%d addresses tracked, more than the bound %d", n, maxTrackedAddrs)
			}
			// A minute later everyone starts over, and the table empties
			// as new failures come in.
			clock.Advance(failureWindow + time.Second)
			if code := apiCall(h, blocked, goodToken); code != http.StatusOK {
				t.Errorf("a minute later the right token: %d, want 200", code)
			}
			apiCall(h, "198.51.100.7:1", "guess")
			if n := s.limiter.tracked(); tt.attacker > maxTrackedAddrs && n > 2 {
				t.Errorf("%d addresses still tracked after their failures expired", n)
			}
		})
	}
}

// Past the global ceiling every check waits first (everyone is slowed),
// but the right token still gets in, from any address that has not failed.
func TestLimiterGlobalCeiling(t *testing.T) {
	_, h, clock := guessingServer(t)
	if code := apiCall(h, "203.0.113.1:1", goodToken); code != 200 || len(clock.takeSlept()) != 0 {
		t.Fatalf("before any failure: %d, want 200 at once", code)
	}
	for i := range globalFailures {
		if code := apiCall(h, v4(i), "guess"); code != 401 {
			t.Fatalf("guess %d: %d, want 401", i, code)
		}
	}
	if slept := clock.takeSlept(); len(slept) != 0 {
		t.Fatalf("slowed before the ceiling: %v", slept)
	}
	tests := []struct {
		name     string
		addr     string
		token    string
		wantCode int
	}{
		{"the right token, new address", "203.0.113.2:1", goodToken, 200},
		{"the right token, an address that failed once", v4(0), goodToken, 200},
		{"a wrong token", "203.0.113.3:1", "guess", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code := apiCall(h, tt.addr, tt.token); code != tt.wantCode {
				t.Errorf("%d, want %d", code, tt.wantCode)
			}
			if slept := clock.takeSlept(); len(slept) != 1 || slept[0] != globalSlowdown {
				t.Errorf("waited %v, want one wait of %s", slept, globalSlowdown)
			}
		})
	}
	clock.Advance(failureWindow + time.Second)
	if code := apiCall(h, "203.0.113.4:1", goodToken); code != 200 || len(clock.takeSlept()) != 0 {
		t.Errorf("a minute after the flood: %d, want 200 at once", code)
	}
}

// IPv6 addresses count per /64: a host that hops within its prefix gets no
// fresh guesses.
func TestLimiterIPv6Prefix(t *testing.T) {
	_, h, _ := guessingServer(t)
	for i := range failuresPerAddr {
		apiCall(h, fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1), "guess")
	}
	if code := apiCall(h, "[2001:db8:1:2:ffff::1]:443", goodToken); code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d, want 429", code)
	}
	if code := apiCall(h, "[2001:db8:1:3::1]:443", goodToken); code != 200 {
		t.Errorf("another /64: %d, want 200", code)
	}
}

// A full table drops exactly the addresses whose failures are a window
// old, also after sweeps that found nothing to drop (and skipped walking
// the table until one could go).
func TestLimiterSweepDropsOnlyExpired(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(clock.Now)
	l.maxAddrs = 4
	steps := []struct {
		after time.Duration // since the step before
		addr  string
		want  []string // tracked afterwards
	}{
		{0, "a", []string{"a"}},
		{0, "b", []string{"a", "b"}},
		{30 * time.Second, "c", []string{"a", "b", "c"}},
		{0, "d", []string{"a", "b", "c", "d"}},
		{10 * time.Second, "e", []string{"a", "b", "c", "d"}}, // full, nobody expired: e counts globally only
		{10 * time.Second, "a", []string{"a", "b", "c", "d"}}, // a fails again: its newest moves on
		{11 * time.Second, "f", []string{"a", "c", "d", "f"}}, // b is a minute old and goes; a does not
		{0, "g", []string{"a", "c", "d", "f"}},
		{20 * time.Second, "h", []string{"a", "c", "d", "f"}}, // c and d are 51 s old: they stay, h is not tracked
		{10 * time.Second, "h", []string{"a", "f", "h"}},      // now c and d are a minute old and go
		{0, "i", []string{"a", "f", "h", "i"}},
	}
	for i, st := range steps {
		clock.Advance(st.after)
		l.fail(st.addr)
		var got []string
		for a := range l.addrs {
			got = append(got, a)
		}
		slices.Sort(got)
		if !slices.Equal(got, st.want) {
			t.Fatalf("step %d (%s fails): tracked %v, want %v", i, st.addr, got, st.want)
		}
	}
}
