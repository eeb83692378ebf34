package incident

import "context"

// A fence makes a singleton's writes conditional on its lease: a task that
// runs under a lease (the Icinga 2 follower, the pin watcher) carries its
// holding in its context, and every Store.Update made with that context
// first checks, inside the same transaction, that the lease is still that
// holding's (same holder, same token, not lapsed at the store's now);
// otherwise the transaction changes nothing and Update returns an error
// wrapping ErrLeaseFenced. A replica that lost its lease (paused past it,
// cut off from the database while another took over) thus cannot record
// what it read after the new holder started. On PostgreSQL the check locks
// the lease row until the commit, so a takeover waits for a fenced write
// under way rather than racing it.

type fenceKey struct{}

// WithFence returns ctx whose store updates are fenced by the holding h
// (its Name, Holder and Token; Until is read from the store each time).
func WithFence(ctx context.Context, h LeaseHold) context.Context {
	return context.WithValue(ctx, fenceKey{}, h)
}

// FenceOf returns the holding that fences ctx's updates, if any. Stores
// call it at the start of every Update.
func FenceOf(ctx context.Context) (LeaseHold, bool) {
	h, ok := ctx.Value(fenceKey{}).(LeaseHold)
	return h, ok
}

// ErrLeaseFenced is wrapped by Store.Update when its context's fence no
// longer holds: the lease lapsed or went to another holder. It is a
// conflict, not transient: trying again cannot succeed under that holding.
var ErrLeaseFenced = &Error{Kind: KindConflict, Message: "this replica no longer holds the lease it writes under; another replica runs the task now"}
