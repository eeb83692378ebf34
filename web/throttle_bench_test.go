package web

import (
	"testing"
	"time"
)

// BenchmarkLimiterFloodFullTable is one wrong token from a new address
// while the table is full of addresses that failed within the minute: what
// a guessing botnet costs each failure, under the limiter's lock.
func BenchmarkLimiterFloodFullTable(b *testing.B) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for i := range maxTrackedAddrs {
		l.fail(v4(i))
	}
	i := maxTrackedAddrs
	for b.Loop() {
		l.fail(v4(i))
		i++
	}
	if n := l.tracked(); n != maxTrackedAddrs {
		b.Fatalf("%d addresses tracked, want the bound %d", n, maxTrackedAddrs)
	}
}
