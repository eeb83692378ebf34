package rctest

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"time"
)

// bucket counts the calls of one client IP to one route and method within
// the current window.
type bucket struct {
	start time.Time
	calls int
}

// limit is ApiClass.enforceRateLimit: unless the caller holds
// api-bypass-rate-limit or the limiter is off, it counts the call, sets
// X-RateLimit-Limit, -Remaining and -Reset (absolute epoch milliseconds)
// and, past the limit, answers 429 with the wait in seconds in the text.
// There is no Retry-After. Called with s.mu held.
func (s *Server) limit(c *call) error {
	rl := s.opts.RateLimit
	if rl.Disabled || s.can(c.user, "api-bypass-rate-limit", nil) {
		return nil
	}
	ip, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		ip = c.r.RemoteAddr
	}
	key := ip + " " + c.route + strings.ToLower(c.r.Method)
	now := s.opts.Now()
	b := s.buckets[key]
	if b == nil || now.Sub(b.start) >= rl.Window {
		b = &bucket{start: now}
		s.buckets[key] = b
	}
	b.calls++
	toReset := b.start.Add(rl.Window).Sub(now)
	h := c.w.Header()
	h.Set("X-RateLimit-Limit", fmt.Sprint(rl.Calls))
	h.Set("X-RateLimit-Reset", fmt.Sprint(now.Add(toReset).UnixMilli()))
	if b.calls <= rl.Calls {
		h.Set("X-RateLimit-Remaining", fmt.Sprint(rl.Calls-b.calls))
		return nil
	}
	h.Set("X-RateLimit-Remaining", "0")
	seconds := int(math.Ceil(toReset.Seconds()))
	text := fmt.Sprintf("Error, too many requests. Please slow down. You must wait %d seconds before trying this endpoint again.", seconds)
	return &apiError{http.StatusTooManyRequests, map[string]any{
		"success": false,
		"error":   text + " [error-too-many-requests]",
	}}
}
