package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

// CreateSession stores a new web session in the transaction tx. It also
// drops the sessions that have expired or were made under another
// api.token (tokenFP), so the table holds only sessions that can still
// sign someone in.
func (d Dialect) CreateSession(ctx context.Context, tx Queryer, idHash, user, csrf, tokenFP string, now, expires time.Time) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR token_fp <> ?`, nanos(now), tokenFP); err != nil {
		return fmt.Errorf("drop old sessions: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_name, csrf, token_fp, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		idHash, user, csrf, tokenFP, nanos(now), nanos(expires))
	if err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	return nil
}

// Session returns the user and CSRF token of a live session made under
// tokenFP, and whether a flash message waits for it, or a KindNotFound
// error when there is none (never made, signed out, expired, or made under
// another api.token).
func (d Dialect) Session(ctx context.Context, q Queryer, idHash, tokenFP string, now time.Time) (user, csrf string, flash bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT user_name, csrf, flash_kind <> '' FROM sessions WHERE id_hash = ? AND token_fp = ? AND expires_at > ?`,
		idHash, tokenFP, nanos(now)).Scan(&user, &csrf, &flash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, incident.Errorf(incident.KindNotFound, "no such session: sign in again")
	}
	if err != nil {
		return "", "", false, fmt.Errorf("read session: %w", err)
	}
	return user, csrf, flash, nil
}

// DeleteSession ends a session (sign-out). Ending one that does not exist
// is not an error.
func (d Dialect) DeleteSession(ctx context.Context, q Queryer, idHash string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// SetFlash keeps a message for the session's next page, replacing any
// message not shown yet.
func (d Dialect) SetFlash(ctx context.Context, q Queryer, idHash, kind, text string) error {
	if _, err := q.ExecContext(ctx, `UPDATE sessions SET flash_kind = ?, flash_text = ? WHERE id_hash = ?`, kind, text, idHash); err != nil {
		return fmt.Errorf("store flash message: %w", err)
	}
	return nil
}

// TakeFlash returns the session's message and forgets it, so it is shown
// once. A page view with no message only reads (through r); the message
// is taken through w.
func (d Dialect) TakeFlash(ctx context.Context, r, w Queryer, idHash string) (kind, text string, err error) {
	err = r.QueryRowContext(ctx, `SELECT flash_kind, flash_text FROM sessions WHERE id_hash = ? AND flash_kind <> ''`, idHash).Scan(&kind, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("read flash message: %w", err)
	}
	res, err := w.ExecContext(ctx, `UPDATE sessions SET flash_kind = '', flash_text = '' WHERE id_hash = ? AND flash_kind = ? AND flash_text = ?`,
		idHash, kind, text)
	if err != nil {
		return "", "", fmt.Errorf("take flash message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", "", nil // another page of the same session showed it
	}
	return kind, text, nil
}
