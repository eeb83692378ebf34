package rctest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// manualClock is a clock a test moves by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestRateLimit(t *testing.T) {
	clock := &manualClock{now: time.Date(2024, 6, 11, 9, 0, 0, 0, time.UTC)}
	srv := rctest.New(t, rctest.Options{Users: humans(), Now: clock.Now, RateLimit: rctest.RateLimit{Calls: 3, Window: 10 * time.Second}})
	alice := botClient(t, srv).as("alice")
	start := clock.Now()

	for i := 1; i <= 3; i++ {
		resp, out := alice.do("GET", "/api/v1/me", nil, nil)
		mustOK(t, resp.StatusCode, out)
		if got, want := resp.Header.Get("X-RateLimit-Remaining"), fmt.Sprint(3-i); got != want {
			t.Errorf("call %d: remaining %q, want %q", i, got, want)
		}
		clock.Add(time.Second)
	}
	resp, out := alice.do("GET", "/api/v1/me", nil, nil)
	wantError(t, resp.StatusCode, out, 429, "")
	h := resp.Header
	wantReset := fmt.Sprint(start.Add(10 * time.Second).UnixMilli())
	if h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset") != wantReset {
		t.Errorf("429 headers %v, want reset %s (epoch ms)", h, wantReset)
	}
	if h.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q: Rocket.Chat sends none", h.Get("Retry-After"))
	}
	if msg := str(out, "error"); !strings.Contains(msg, "You must wait 7 seconds before trying this endpoint again.") {
		t.Errorf("429 error %q", msg)
	}

	// Another endpoint has its own bucket; the bot role bypasses the limiter.
	resp, out = alice.do("GET", "/api/v1/users.info?username=bob", nil, nil)
	mustOK(t, resp.StatusCode, out)
	for range 5 {
		resp, out = botClient(t, srv).do("GET", "/api/v1/me", nil, nil)
		mustOK(t, resp.StatusCode, out)
		if resp.Header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("the bot got rate limit headers: %v", resp.Header)
		}
	}
	clock.Add(7 * time.Second)
	resp, out = alice.do("GET", "/api/v1/me", nil, nil)
	if mustOK(t, resp.StatusCode, out); resp.Header.Get("X-RateLimit-Remaining") != "2" {
		t.Errorf("after the window: remaining %q", resp.Header.Get("X-RateLimit-Remaining"))
	}
}

func TestRateLimitOff(t *testing.T) {
	srv := rctest.New(t, rctest.Options{Users: humans(), RateLimit: rctest.RateLimit{Disabled: true, Calls: 1}})
	alice := botClient(t, srv).as("alice")
	for range 3 {
		resp, out := alice.do("GET", "/api/v1/me", nil, nil)
		if mustOK(t, resp.StatusCode, out); resp.Header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("headers with the limiter off: %v", resp.Header)
		}
	}
}

func TestRateLimitNext(t *testing.T) {
	clock := &manualClock{now: time.Date(2024, 6, 11, 9, 0, 0, 0, time.UTC)}
	srv := rctest.New(t, rctest.Options{Now: clock.Now})
	c := botClient(t, srv)
	id := createRoom(t, c, "channels", "ops")
	srv.RateLimitNext(1, "chat.postMessage", 1500*time.Millisecond)

	resp, out := c.do("POST", "/api/v1/chat.postMessage", map[string]any{"roomId": id, "text": "x"}, nil)
	wantError(t, resp.StatusCode, out, 429, "")
	if resp.Header.Get("X-RateLimit-Reset") != fmt.Sprint(clock.Now().Add(1500*time.Millisecond).UnixMilli()) ||
		!strings.Contains(str(out, "error"), "wait 2 seconds") {
		t.Errorf("%v %v", resp.Header, out)
	}
	post(t, c, id, "x", nil)
	if n := len(srv.Messages(id)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}
