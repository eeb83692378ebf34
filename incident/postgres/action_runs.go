package postgres

import (
	"context"

	"github.com/warroom/warroom/incident"
)

// The action runs' statements are the shared core's (core.go): in a
// transaction a run is read locked, so that two replicas never both start
// it.

// ActionRun returns one run of an action.
func (s *DB) ActionRun(ctx context.Context, id int64) (*incident.ActionRun, error) {
	return core.ActionRun(ctx, s.q(), id)
}

func (t *txStore) ActionRun(ctx context.Context, id int64) (*incident.ActionRun, error) {
	return core.LockActionRun(ctx, t.tx, id)
}

func (t *txStore) CreateActionRun(ctx context.Context, r *incident.ActionRun) error {
	return core.CreateActionRun(ctx, t.tx, r)
}

func (t *txStore) UpdateActionRun(ctx context.Context, r *incident.ActionRun) error {
	return core.UpdateActionRun(ctx, t.tx, r)
}
