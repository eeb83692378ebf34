package incident

import (
	"context"
	"time"
)

// RunState is where a run of an action is: requested -> confirmed ->
// started -> finished, or unknown when warroom stopped while it ran.
type RunState string

// The states of a run. A run is marked started in its own committed
// transaction before it executes, so that a job that finds it started
// knows an earlier attempt may have run it.
const (
	RunRequested RunState = "requested" // waits for a confirmation
	RunConfirmed RunState = "confirmed" // may start (at once when no confirmation is needed)
	RunStarted   RunState = "started"   // executing, or warroom stopped while it did
	RunFinished  RunState = "finished"  // its outcome is recorded
	RunUnknown   RunState = "unknown"   // it started and warroom stopped: what it did is not known
)

// ActionRun is one request to run an action, and what became of it.
type ActionRun struct {
	ID          int64
	IncidentID  int64
	Action      string
	Params      map[string]string
	Actor       string // who asked
	State       RunState
	ConfirmedBy string
	Attempts    int    // how many times it was started (more than one only if idempotent)
	OK          bool   // the outcome was a success
	Outcome     string // "exit status 0 in 1.2s", "HTTP 503 ...", "timed out after 5s", "outcome unknown ..."
	Output      []byte // what it printed or answered, bounded by the executor
	OutputPost  string // the chat message that carries the output
	RequestedAt time.Time
	StartedAt   *time.Time
	FinishedAt  *time.Time
}

// ActionRunTx is the write side of the runs inside a Tx.
type ActionRunTx interface {
	// CreateActionRun stores a new run and sets its ID.
	CreateActionRun(ctx context.Context, r *ActionRun) error
	// ActionRun reads a run for update (on a store of several replicas,
	// it locks the run until the transaction ends), or a KindNotFound
	// error.
	ActionRun(ctx context.Context, id int64) (*ActionRun, error)
	// UpdateActionRun writes every field of r but its ID, incident and
	// RequestedAt.
	UpdateActionRun(ctx context.Context, r *ActionRun) error
}

// ActionRunReader reads runs outside a transaction.
type ActionRunReader interface {
	// ActionRun returns one run, or a KindNotFound error.
	ActionRun(ctx context.Context, id int64) (*ActionRun, error)
}
