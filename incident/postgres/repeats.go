package postgres

import (
	"context"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// LiveIncidentHolding reads the live incident of the dedup key and counts
// which of refs its timeline holds, in one statement and without a lock.
func (s *DB) LiveIncidentHolding(ctx context.Context, source, dedupKey string, refs []incident.EventRef) (*incident.Incident, bool, error) {
	return sqlstore.LiveIncidentHolding(ctx, s.q(), source, dedupKey, refs)
}
