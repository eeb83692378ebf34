package postgres

import (
	"context"
	"time"

	"github.com/warroom/warroom/incident"
)

// The postmortems' statements are the shared core's (core.go): in a
// transaction the latest revision is read FOR UPDATE, so two replicas
// saving one postmortem take turns, and the keys refuse what slips past.

// Postmortem implements incident.PostmortemReader.
func (s *DB) Postmortem(ctx context.Context, incidentID int64) (*incident.Postmortem, error) {
	return core.Postmortem(ctx, s.q(), incidentID)
}

// PostmortemRevisions implements incident.PostmortemReader.
func (s *DB) PostmortemRevisions(ctx context.Context, incidentID int64) ([]incident.PostmortemRevision, error) {
	return core.PostmortemRevisions(ctx, s.q(), incidentID)
}

// Postmortems implements incident.PostmortemReader.
func (s *DB) Postmortems(ctx context.Context, f incident.PostmortemFilter) ([]*incident.Postmortem, error) {
	return core.Postmortems(ctx, s.q(), f)
}

// Postmortem implements incident.PostmortemTx.
func (t *txStore) Postmortem(ctx context.Context, incidentID int64) (*incident.Postmortem, error) {
	return core.Postmortem(ctx, t.tx, incidentID)
}

// AddPostmortemRevision implements incident.PostmortemTx.
func (t *txStore) AddPostmortemRevision(ctx context.Context, incidentID int64, rev incident.PostmortemRevision) error {
	return core.AddPostmortemRevision(ctx, t.tx, incidentID, rev)
}

// SetPostmortemState implements incident.PostmortemTx.
func (t *txStore) SetPostmortemState(ctx context.Context, incidentID int64, st incident.PostmortemState, by string, at time.Time) error {
	return core.SetPostmortemState(ctx, t.tx, incidentID, st, by, at)
}

// MarkPostmortemStored implements incident.PostmortemTx.
func (t *txStore) MarkPostmortemStored(ctx context.Context, incidentID int64, n int, where string, at time.Time) error {
	return core.MarkPostmortemStored(ctx, t.tx, incidentID, n, where, at)
}
