package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

// acquireLease takes a free or lapsed lease (a new holding: the token
// grows) or renews the holder's own live one (the token stays), in one
// statement, as SQLite's does. Two replicas racing for a free lease
// conflict on the primary key, and ON CONFLICT makes the loser's statement
// an update that its WHERE refuses: no row comes back.
const acquireLease = `INSERT INTO leases (name, holder, token, until, acquired_at) VALUES ($1, $2, 1, $3, $4)
ON CONFLICT (name) DO UPDATE SET
    token = CASE WHEN leases.holder = excluded.holder AND leases.until > $4 THEN leases.token ELSE leases.token + 1 END,
    acquired_at = CASE WHEN leases.holder = excluded.holder AND leases.until > $4 THEN leases.acquired_at ELSE $4 END,
    holder = excluded.holder,
    until = excluded.until
WHERE leases.until <= $4 OR leases.holder = excluded.holder
RETURNING token`

// AcquireLease takes or renews the lease name for holder until until
// (incident.Leases).
func (s *DB) AcquireLease(ctx context.Context, name, holder string, now, until time.Time) (incident.LeaseHold, error) {
	if name == "" || holder == "" {
		return incident.LeaseHold{}, incident.Errorf(incident.KindInvalid, "acquire lease: name and holder must not be empty")
	}
	var token int64
	err := s.db.QueryRowContext(ctx, acquireLease, name, holder, nanos(until), nanos(now)).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return incident.LeaseHold{}, fmt.Errorf("acquire lease %q: %w", name, incident.ErrLeaseHeld)
	}
	if err != nil {
		return incident.LeaseHold{}, storeError(fmt.Sprintf("acquire lease %q", name), err)
	}
	return incident.LeaseHold{Name: name, Holder: holder, Token: token, Until: until.UTC()}, nil
}

// ReleaseLease frees the lease when holder holds it under token
// (incident.Leases). The row stays, so the next token still grows.
func (s *DB) ReleaseLease(ctx context.Context, name, holder string, token int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE leases SET holder = '', until = 0 WHERE name = $1 AND holder = $2 AND token = $3`, name, holder, token)
	return storeError(fmt.Sprintf("release lease %q", name), err)
}

// LeaseHolder returns who holds name at now (incident.Leases).
func (s *DB) LeaseHolder(ctx context.Context, name string, now time.Time) (incident.LeaseHold, error) {
	h := incident.LeaseHold{Name: name}
	var until int64
	err := s.db.QueryRowContext(ctx, `SELECT holder, token, until FROM leases WHERE name = $1 AND holder <> '' AND until > $2`,
		name, nanos(now)).Scan(&h.Holder, &h.Token, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return incident.LeaseHold{}, incident.Errorf(incident.KindNotFound, "lease %q is free", name)
	}
	if err != nil {
		return incident.LeaseHold{}, storeError(fmt.Sprintf("read lease %q", name), err)
	}
	h.Until = fromNanos(until)
	return h, nil
}

var _ incident.Leases = (*DB)(nil)
