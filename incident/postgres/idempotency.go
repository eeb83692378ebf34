package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/warroom/warroom/incident"
)

var _ incident.IdempotencyStore = (*DB)(nil)

// The Idempotency-Key statements are SQLite's (incident/sqlite/idempotency.go):
// an expired key is taken over by the upsert's WHERE. Two replicas that
// reserve one key at once meet on its primary key: the second waits for
// the first to commit and then finds it held.
const (
	reserveIdempotency = `INSERT INTO idempotency_keys
		(caller, idem_key, method, path, fingerprint, state, status, body, location, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, '', '', ?, ?)
		ON CONFLICT (caller, idem_key) DO UPDATE SET method = excluded.method, path = excluded.path,
			fingerprint = excluded.fingerprint, state = excluded.state, status = 0, body = '', location = '',
			created_at = excluded.created_at, expires_at = excluded.expires_at
		WHERE idempotency_keys.expires_at <= excluded.created_at`
	heldIdempotency = `SELECT method, path, fingerprint, state, status, body, location, created_at, expires_at
		FROM idempotency_keys WHERE caller = ? AND idem_key = ?`
	completeIdempotency = `UPDATE idempotency_keys SET state = ?, status = ?, body = ?, location = ?
		WHERE caller = ? AND idem_key = ? AND created_at = ? AND state = ?`
	releaseIdempotency = `DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND created_at = ? AND state = ?`
	pruneIdempotency   = `DELETE FROM idempotency_keys WHERE (caller, idem_key) IN
		(SELECT caller, idem_key FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)`
)

// ReserveIdempotency stores r running unless a live request of its caller
// and key is kept (incident.IdempotencyStore). The upsert and the read of
// the held request are one transaction; under READ COMMITTED the read
// sees the row the upsert waited for.
func (s *DB) ReserveIdempotency(ctx context.Context, r incident.IdempotentRequest) (incident.IdempotentRequest, bool, error) {
	var held incident.IdempotentRequest
	fresh := false
	err := s.tx(ctx, func(tx q) error {
		res, err := tx.ExecContext(ctx, reserveIdempotency, r.Caller, r.Key, r.Method, r.Path, r.Fingerprint,
			string(incident.IdempotencyRunning), nanos(r.CreatedAt), nanos(r.ExpiresAt))
		if err != nil {
			return storeError("reserve the idempotency key", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			fresh = true
			return storeError("reserve the idempotency key", err)
		}
		held, err = scanIdempotent(tx.QueryRowContext(ctx, heldIdempotency, r.Caller, r.Key), r.Caller, r.Key)
		return err
	})
	if err != nil {
		return incident.IdempotentRequest{}, false, err
	}
	if fresh {
		r.State = incident.IdempotencyRunning
		return r, true, nil
	}
	return held, false, nil
}

// CompleteIdempotency stores the answer of the running reservation r.
func (s *DB) CompleteIdempotency(ctx context.Context, r incident.IdempotentRequest) error {
	res, err := s.q().ExecContext(ctx, completeIdempotency, string(incident.IdempotencyDone), r.Status, string(r.Body), r.Location,
		r.Caller, r.Key, nanos(r.CreatedAt), string(incident.IdempotencyRunning))
	if err != nil {
		return storeError("store the answer of the idempotency key", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return incident.Errorf(incident.KindNotFound, "the idempotency key %q is not running any more", r.Key)
	}
	return nil
}

// ReleaseIdempotency deletes the running reservation r.
func (s *DB) ReleaseIdempotency(ctx context.Context, r incident.IdempotentRequest) error {
	_, err := s.q().ExecContext(ctx, releaseIdempotency, r.Caller, r.Key, nanos(r.CreatedAt), string(incident.IdempotencyRunning))
	return storeError("release the idempotency key", err)
}

// PruneIdempotency deletes up to limit requests expired at now.
func (s *DB) PruneIdempotency(ctx context.Context, now time.Time, limit int) (int, error) {
	res, err := s.q().ExecContext(ctx, pruneIdempotency, nanos(now), limit)
	if err != nil {
		return 0, storeError("prune expired idempotency keys", err)
	}
	n, err := res.RowsAffected()
	return int(n), storeError("prune expired idempotency keys", err)
}

// scanIdempotent reads a kept request of caller and key.
func scanIdempotent(row *sql.Row, caller, key string) (incident.IdempotentRequest, error) {
	r := incident.IdempotentRequest{Caller: caller, Key: key}
	var state, body string
	var created, expires int64
	if err := row.Scan(&r.Method, &r.Path, &r.Fingerprint, &state, &r.Status, &body, &r.Location, &created, &expires); err != nil {
		return r, storeError("read the idempotency key", err)
	}
	r.State = incident.IdempotencyState(state)
	if body != "" {
		r.Body = []byte(body)
	}
	r.CreatedAt, r.ExpiresAt = fromNanos(created), fromNanos(expires)
	return r, nil
}
