package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// RunLeases checks the lease rules (incident.Leases) step by step: each
// step is one call at one moment and what it must answer. A lease is held
// by one holder until it lapses or is released; a renewal by its holder
// keeps the fencing token; every new holding (another holder, or the same
// one after a lapse or a release) gets a greater token; a release under a
// stale token or by another holder changes nothing; names are independent.
// With a second store on the same database (replica, nil for none) the
// lease taken through one is refused through the other.
func RunLeases(t *testing.T, l, replica incident.Leases) {
	ctx := context.Background()
	at := func(s int) time.Time { return T0.Add(time.Duration(s) * time.Second) }
	type step struct {
		what      string
		holder    string
		now, till int // seconds after t0
		release   int64
		wantToken int64 // 0: want ErrLeaseHeld
		wantHeld  string
	}
	steps := []step{
		{what: "first take", holder: "a", now: 0, till: 10, wantToken: 1, wantHeld: "a"},
		{what: "another holder is refused while it lives", holder: "b", now: 5, till: 15, wantHeld: "a"},
		{what: "renewal keeps the token", holder: "a", now: 6, till: 16, wantToken: 1, wantHeld: "a"},
		{what: "refused just before the renewed until", holder: "b", now: 15, till: 25, wantHeld: "a"},
		{what: "a lapsed lease goes to a new holder with a greater token", holder: "b", now: 16, till: 26, wantToken: 2, wantHeld: "b"},
		{what: "the old holder cannot renew what it lost", holder: "a", now: 17, till: 27, wantHeld: "b"},
		{what: "a release under a stale token changes nothing", holder: "b", now: 18, release: 1, wantHeld: "b"},
		{what: "a release by another holder changes nothing", holder: "a", now: 18, release: 2, wantHeld: "b"},
		{what: "the holder releases", holder: "b", now: 18, release: 2, wantHeld: ""},
		{what: "a released lease is free at once and its token still grows", holder: "a", now: 19, till: 29, wantToken: 3, wantHeld: "a"},
		{what: "the same holder after its lease lapsed is a new holding", holder: "a", now: 40, till: 50, wantToken: 4, wantHeld: "a"},
	}
	for _, s := range steps {
		if s.release != 0 {
			if err := l.ReleaseLease(ctx, "follower", s.holder, s.release); err != nil {
				t.Fatalf("%s: release: %v", s.what, err)
			}
		} else {
			h, err := l.AcquireLease(ctx, "follower", s.holder, at(s.now), at(s.till))
			switch {
			case s.wantToken == 0 && !errors.Is(err, incident.ErrLeaseHeld):
				t.Errorf("%s: got %+v, %v; want ErrLeaseHeld", s.what, h, err)
			case s.wantToken != 0 && err != nil:
				t.Errorf("%s: %v", s.what, err)
			case s.wantToken != 0 && (h.Token != s.wantToken || h.Holder != s.holder || !h.Until.Equal(at(s.till))):
				t.Errorf("%s: got %+v, want token %d until %v", s.what, h, s.wantToken, at(s.till))
			}
		}
		h, err := l.LeaseHolder(ctx, "follower", at(s.now))
		if s.wantHeld == "" {
			if incident.ErrorKind(err) != incident.KindNotFound {
				t.Errorf("%s: holder %+v, %v; want KindNotFound", s.what, h, err)
			}
			continue
		}
		if err != nil || h.Holder != s.wantHeld {
			t.Errorf("%s: holder %+v, %v; want %q", s.what, h, err, s.wantHeld)
		}
	}
	if h, err := l.AcquireLease(ctx, "pruner", "b", at(41), at(51)); err != nil || h.Token != 1 {
		t.Errorf("another name is its own lease: %+v, %v", h, err)
	}
	if _, err := l.AcquireLease(ctx, "", "b", at(41), at(51)); incident.ErrorKind(err) != incident.KindInvalid {
		t.Errorf("empty name: %v, want KindInvalid", err)
	}
	if replica == nil {
		return
	}
	if _, err := replica.AcquireLease(ctx, "pruner", "c", at(42), at(52)); !errors.Is(err, incident.ErrLeaseHeld) {
		t.Errorf("a replica took a lease held through another store: %v, want ErrLeaseHeld", err)
	}
	if h, err := replica.LeaseHolder(ctx, "pruner", at(42)); err != nil || h.Holder != "b" {
		t.Errorf("the replica reads holder %+v, %v; want b", h, err)
	}
	if h, err := replica.AcquireLease(ctx, "pruner", "c", at(51), at(61)); err != nil || h.Token != 2 {
		t.Errorf("the replica takes the lapsed lease: %+v, %v; want token 2", h, err)
	}
}
