package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// The sessions' statements are the shared core's (core.go): reads run on
// the read pool, writes on the writer connection itself, outside the group
// commit.

// CreateSession stores a new web session and drops those that cannot
// sign anyone in any more (sqlstore.Dialect.CreateSession).
func (s *DB) CreateSession(ctx context.Context, idHash, user, csrf, tokenFP string, now, expires time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return core.CreateSession(ctx, tx, idHash, user, csrf, tokenFP, now, expires)
	})
}

// Session returns a live session made under tokenFP, or a KindNotFound
// error (sqlstore.Dialect.Session).
func (s *DB) Session(ctx context.Context, idHash, tokenFP string, now time.Time) (user, csrf string, flash bool, err error) {
	return core.Session(ctx, reader{s}, idHash, tokenFP, now)
}

// DeleteSession ends a session (sign-out).
func (s *DB) DeleteSession(ctx context.Context, idHash string) error {
	return core.DeleteSession(ctx, s.db, idHash)
}

// SetFlash keeps a message for the session's next page.
func (s *DB) SetFlash(ctx context.Context, idHash, kind, text string) error {
	return core.SetFlash(ctx, s.db, idHash, kind, text)
}

// TakeFlash returns the session's message once.
func (s *DB) TakeFlash(ctx context.Context, idHash string) (kind, text string, err error) {
	return core.TakeFlash(ctx, reader{s}, s.db, idHash)
}

// inTx runs fn in one transaction, committed when fn returns nil.
func (s *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
