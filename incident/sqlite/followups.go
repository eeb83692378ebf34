package sqlite

import (
	"context"

	"github.com/warroom/warroom/incident"
)

// The follow-ups' statements are the shared core's (core.go); reads
// outside a transaction run on the read pool.

// Followups returns an incident's follow-ups, oldest first.
func (s *DB) Followups(ctx context.Context, incidentID int64) ([]incident.Followup, error) {
	return core.Followups(ctx, reader{s}, incidentID)
}

// Followup returns one follow-up.
func (s *DB) Followup(ctx context.Context, id int64) (*incident.Followup, error) {
	return core.Followup(ctx, reader{s}, id)
}

func (t *txStore) Followups(ctx context.Context, incidentID int64) ([]incident.Followup, error) {
	return core.Followups(ctx, t.tx, incidentID)
}

func (t *txStore) Followup(ctx context.Context, id int64) (*incident.Followup, error) {
	return core.LockFollowup(ctx, t.tx, id)
}

func (t *txStore) FollowupByTicket(ctx context.Context, backend, key string) (*incident.Followup, error) {
	return core.FollowupByTicket(ctx, t.tx, backend, key)
}

func (t *txStore) CreateFollowup(ctx context.Context, f *incident.Followup) error {
	return core.CreateFollowup(ctx, t.tx, f)
}

func (t *txStore) UpdateFollowup(ctx context.Context, f *incident.Followup) error {
	return core.UpdateFollowup(ctx, t.tx, f)
}
