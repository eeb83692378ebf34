package postgres

import (
	"context"
	"time"
)

// Sessions live in the database every replica shares: a session made on
// one replica signs its browser in on all of them. The statements are the
// shared core's (core.go).

// CreateSession stores a new web session and drops those that cannot
// sign anyone in any more (sqlstore.Dialect.CreateSession).
func (s *DB) CreateSession(ctx context.Context, idHash, user, csrf, tokenFP string, now, expires time.Time) error {
	return s.tx(ctx, func(tx q) error {
		return core.CreateSession(ctx, tx, idHash, user, csrf, tokenFP, now, expires)
	})
}

// Session returns a live session made under tokenFP, or a KindNotFound
// error (sqlstore.Dialect.Session).
func (s *DB) Session(ctx context.Context, idHash, tokenFP string, now time.Time) (user, csrf string, flash bool, err error) {
	return core.Session(ctx, s.q(), idHash, tokenFP, now)
}

// DeleteSession ends a session (sign-out).
func (s *DB) DeleteSession(ctx context.Context, idHash string) error {
	return core.DeleteSession(ctx, s.q(), idHash)
}

// SetFlash keeps a message for the session's next page.
func (s *DB) SetFlash(ctx context.Context, idHash, kind, text string) error {
	return core.SetFlash(ctx, s.q(), idHash, kind, text)
}

// TakeFlash returns the session's message once.
func (s *DB) TakeFlash(ctx context.Context, idHash string) (kind, text string, err error) {
	return core.TakeFlash(ctx, s.q(), s.q(), idHash)
}
