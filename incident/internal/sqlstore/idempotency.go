package sqlstore

import (
	"context"
	"time"

	"github.com/warroom/warroom/incident"
)

// The Idempotency-Key statements of both drivers: an expired key is taken
// over by the upsert's WHERE. Two reservations of one key meet on its
// primary key: SQLite's one writer puts them one after the other, and on
// PostgreSQL the second waits for the first to commit and then finds the
// key held (READ COMMITTED: its read sees the row the upsert waited for).
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

// ReserveIdempotency is the body of the transaction that stores r running
// unless a live request of its caller and key is kept: it returns the
// kept one and false, or r and true.
func (d Dialect) ReserveIdempotency(ctx context.Context, tx Queryer, r incident.IdempotentRequest) (incident.IdempotentRequest, bool, error) {
	res, err := tx.ExecContext(ctx, reserveIdempotency, r.Caller, r.Key, r.Method, r.Path, r.Fingerprint,
		string(incident.IdempotencyRunning), nanos(r.CreatedAt), nanos(r.ExpiresAt))
	if err != nil {
		return r, false, d.StoreError("reserve the idempotency key", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		r.State = incident.IdempotencyRunning
		return r, true, d.StoreError("reserve the idempotency key", err)
	}
	held := incident.IdempotentRequest{Caller: r.Caller, Key: r.Key}
	var state, body string
	var created, expires int64
	err = tx.QueryRowContext(ctx, heldIdempotency, r.Caller, r.Key).Scan(&held.Method, &held.Path, &held.Fingerprint,
		&state, &held.Status, &body, &held.Location, &created, &expires)
	if err != nil {
		return held, false, d.StoreError("read the idempotency key", err)
	}
	held.State = incident.IdempotencyState(state)
	if body != "" {
		held.Body = []byte(body)
	}
	held.CreatedAt, held.ExpiresAt = fromNanos(created), fromNanos(expires)
	return held, false, nil
}

// CompleteIdempotency stores the answer of the running reservation r.
func (d Dialect) CompleteIdempotency(ctx context.Context, q Queryer, r incident.IdempotentRequest) error {
	res, err := q.ExecContext(ctx, completeIdempotency, string(incident.IdempotencyDone), r.Status, string(r.Body), r.Location,
		r.Caller, r.Key, nanos(r.CreatedAt), string(incident.IdempotencyRunning))
	if err != nil {
		return d.StoreError("store the answer of the idempotency key", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return incident.Errorf(incident.KindNotFound, "the idempotency key %q is not running any more", r.Key)
	}
	return nil
}

// ReleaseIdempotency deletes the running reservation r.
func (d Dialect) ReleaseIdempotency(ctx context.Context, q Queryer, r incident.IdempotentRequest) error {
	_, err := q.ExecContext(ctx, releaseIdempotency, r.Caller, r.Key, nanos(r.CreatedAt), string(incident.IdempotencyRunning))
	return d.StoreError("release the idempotency key", err)
}

// PruneIdempotency deletes up to limit requests expired at now.
func (d Dialect) PruneIdempotency(ctx context.Context, q Queryer, now time.Time, limit int) (int, error) {
	res, err := q.ExecContext(ctx, pruneIdempotency, nanos(now), limit)
	if err != nil {
		return 0, d.StoreError("prune expired idempotency keys", err)
	}
	n, err := res.RowsAffected()
	return int(n), d.StoreError("prune expired idempotency keys", err)
}
