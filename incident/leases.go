package incident

import (
	"context"
	"time"
)

// Leases hands out named leases so that a task meant to run once at a time
// across replicas (a singleton) runs on one of them only. A lease has at
// most one holder at a time, until the time its holder last asked for.
//
// The rules, for every implementation (one row per name, each call one
// conditional statement):
//   - AcquireLease succeeds when the lease is free (never taken, released,
//     or its until is at or before now) or already held by holder with an
//     until after now (a renewal). It sets the until to until.
//   - A new holding (any acquisition that is not a renewal, the same holder
//     after its lease lapsed included) gets a Token greater than every token
//     handed out for that name before; a renewal keeps the token. Tokens of
//     one name never go back, a release included, so they fence writes.
//   - Otherwise it changes nothing and returns an error wrapping
//     ErrLeaseHeld.
type Leases interface {
	// AcquireLease takes or renews the lease name for holder until until,
	// judged at now, and returns the holding. It returns an error wrapping
	// ErrLeaseHeld when another holder holds it past now.
	AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (LeaseHold, error)
	// ReleaseLease frees the lease when holder holds it under token, so that
	// another replica takes it without waiting for it to lapse. Releasing a
	// lease one no longer holds changes nothing and is not an error.
	ReleaseLease(ctx context.Context, name, holder string, token int64) error
	// LeaseHolder returns the holding of name at now, or an error of
	// KindNotFound when nobody holds it (never taken, released or lapsed).
	LeaseHolder(ctx context.Context, name string, now time.Time) (LeaseHold, error)
}

// LeaseHold is one holding of a named lease.
type LeaseHold struct {
	Name   string
	Holder string
	// Token fences the holding: it grows with every new holder.
	Token int64
	Until time.Time
}

// ErrLeaseHeld is wrapped by AcquireLease when another holder holds the
// lease.
var ErrLeaseHeld = &Error{Kind: KindConflict, Message: "the lease is held by another replica"}
