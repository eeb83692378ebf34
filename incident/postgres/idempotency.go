package postgres

import (
	"context"
	"time"

	"github.com/warroom/warroom/incident"
)

var _ incident.IdempotencyStore = (*DB)(nil)

// The Idempotency-Key statements are the shared core's
// (incident/internal/sqlstore/idempotency.go).

// ReserveIdempotency stores r running unless a live request of its caller
// and key is kept (incident.IdempotencyStore). The upsert and the read
// of the held request are one transaction.
func (s *DB) ReserveIdempotency(ctx context.Context, r incident.IdempotentRequest) (incident.IdempotentRequest, bool, error) {
	var out incident.IdempotentRequest
	fresh := false
	err := s.tx(ctx, func(tx q) error {
		var err error
		out, fresh, err = core.ReserveIdempotency(ctx, tx, r)
		return err
	})
	if err != nil {
		return incident.IdempotentRequest{}, false, err
	}
	return out, fresh, nil
}

// CompleteIdempotency stores the answer of the running reservation r.
func (s *DB) CompleteIdempotency(ctx context.Context, r incident.IdempotentRequest) error {
	return core.CompleteIdempotency(ctx, s.q(), r)
}

// ReleaseIdempotency deletes the running reservation r.
func (s *DB) ReleaseIdempotency(ctx context.Context, r incident.IdempotentRequest) error {
	return core.ReleaseIdempotency(ctx, s.q(), r)
}

// PruneIdempotency deletes up to limit requests expired at now.
func (s *DB) PruneIdempotency(ctx context.Context, now time.Time, limit int) (int, error) {
	return core.PruneIdempotency(ctx, s.q(), now, limit)
}
