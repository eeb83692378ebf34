package web

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/warroom/warroom/incident"
)

// limiter counts wrong secrets (bearer tokens of the API and the hooks, the
// access token at sign-in, and what hooks and chat callbacks verify
// themselves: signatures, command tokens) per client address, in one
// table, so that no secret can be guessed at speed by any door:
//   - an address with perAddr failures within window waits until the oldest
//     of them is a window old, and its attempts are not even checked;
//   - the table holds at most maxAddrs addresses. An entry leaves only when
//     its failures are older than the window, so failures from many other
//     addresses can never push a blocked address out; an address that finds
//     the table full is not tracked, but its failures count globally;
//   - when more than global failures happened within the window, from
//     anywhere, every check waits slowdown first: everyone is slowed, but a
//     right token is still checked and accepted.
//
// IPv6 addresses count per /64, which is what one host usually gets.
type limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	perAddr  int
	window   time.Duration
	maxAddrs int
	slowdown time.Duration
	addrs    map[string]*failures
	recent   *failures // the newest global failures, for the ceiling
	// quietUntil: a sweep before then drops nothing, since every address
	// in the table failed within the window of it. Without it a flood from
	// new addresses into a full table walked all of it on every failure,
	// under the lock.
	quietUntil time.Time
}

// failures keeps the times of the newest failures in a ring.
type failures struct {
	at   []time.Time
	next int
	n    int
}

func newFailures(size int) *failures { return &failures{at: make([]time.Time, size)} }

func (f *failures) add(t time.Time) {
	f.at[f.next] = t
	f.next = (f.next + 1) % len(f.at)
	if f.n < len(f.at) {
		f.n++
	}
}

// full reports whether the ring holds len(at) failures newer than cut, and
// when the oldest of them happened.
func (f *failures) full(cut time.Time) (bool, time.Time) {
	if f.n < len(f.at) {
		return false, time.Time{}
	}
	oldest := f.at[f.next]
	return oldest.After(cut), oldest
}

// newest is the time of the latest failure.
func (f *failures) newest() time.Time { return f.at[(f.next+len(f.at)-1)%len(f.at)] }

// The limits: five wrong tokens a minute per address; 10,000 addresses
// tracked (2.3 MB of heap measured at the bound, with 30,000 addresses
// failing); past 300 wrong tokens a minute in all, each check waits two
// seconds.
const (
	failuresPerAddr = 5
	failureWindow   = time.Minute
	maxTrackedAddrs = 10000
	globalFailures  = 300
	globalSlowdown  = 2 * time.Second
)

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, perAddr: failuresPerAddr, window: failureWindow, maxAddrs: maxTrackedAddrs,
		slowdown: globalSlowdown, addrs: map[string]*failures{}, recent: newFailures(globalFailures)}
}

// before says, ahead of a check of addr's secret, whether addr may try at
// all (else retry is how long it must wait) and how long the check must
// wait first (the global slowdown).
func (l *limiter) before(addr string) (delay, retry time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cut := now.Add(-l.window)
	if f := l.addrs[addr]; f != nil {
		if blocked, oldest := f.full(cut); blocked {
			return 0, oldest.Add(l.window).Sub(now), false
		}
	}
	if over, _ := l.recent.full(cut); over {
		delay = l.slowdown
	}
	return delay, 0, true
}

// fail records a wrong secret from addr.
func (l *limiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.recent.add(now)
	f := l.addrs[addr]
	if f == nil {
		if len(l.addrs) >= l.maxAddrs {
			l.sweep(now)
		}
		if len(l.addrs) >= l.maxAddrs {
			return // counted globally only; nobody already tracked is dropped
		}
		f = newFailures(l.perAddr)
		l.addrs[addr] = f
	}
	f.add(now)
}

// sweep drops the addresses whose newest failure is a window old at now:
// they are not blocked and will not be. It remembers when the next one
// could go (a failure only moves an address's newest later, and addresses
// added since fail later still), and does not walk the table before then.
// Called with l.mu held.
func (l *limiter) sweep(now time.Time) {
	if now.Before(l.quietUntil) {
		return
	}
	cut := now.Add(-l.window)
	var first time.Time
	for a, f := range l.addrs {
		n := f.newest()
		if !n.After(cut) {
			delete(l.addrs, a)
			continue
		}
		if first.IsZero() || n.Before(first) {
			first = n
		}
	}
	l.quietUntil = time.Time{}
	if !first.IsZero() {
		l.quietUntil = first.Add(l.window)
	}
}

// tracked is the number of addresses in the table.
func (l *limiter) tracked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.addrs)
}

// clientAddr is the address a request's failures count against: its IP,
// or its /64 for IPv6.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return host
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// checkSecret compares a secret sent by the client with the one configured,
// under the limiter (see admit), and returns wrong for a mismatch, counting
// it against the client's address.
func (s *Server) checkSecret(w http.ResponseWriter, r *http.Request, got, want string, wrong error) error {
	if err := s.admit(w, r); err != nil {
		return err
	}
	if want != "" && constantTimeEqual(got, want) {
		return nil
	}
	s.limiter.fail(clientAddr(r))
	return wrong
}

// admit is the limiter's word before a secret is checked: a KindTooMany
// error (and Retry-After) for an address that failed too often, else nil,
// after the global slowdown when warroom is being guessed at.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) error {
	addr := clientAddr(r)
	delay, retry, ok := s.limiter.before(addr)
	if !ok {
		secs := int(retry.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return incident.Errorf(incident.KindTooMany, "too many wrong tokens from %s: try again in %ds", addr, secs)
	}
	if delay > 0 {
		if err := s.Sleep(r.Context(), delay); err != nil {
			return incident.Errorf(incident.KindTransient, "request cancelled while warroom slows token checks: %w", err)
		}
	}
	return nil
}

// limited runs check, which verifies a secret of its own (a signature, an
// integration's token), under the same limiter: a KindUnauthorized answer
// counts as a wrong secret of the client's address.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, check func() error) error {
	if err := s.admit(w, r); err != nil {
		return err
	}
	err := check()
	if incident.ErrorKind(err) == incident.KindUnauthorized {
		s.limiter.fail(clientAddr(r))
	}
	return err
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
