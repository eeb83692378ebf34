package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// GroupWindow reads the group's window. SQLite has one writer, so the
// transaction holds it whole: no lock of its own is needed.
func (t *txStore) GroupWindow(ctx context.Context, key string) (incident.GroupWindow, error) {
	w := incident.GroupWindow{Key: key}
	var start, last int64
	err := t.tx.QueryRowContext(ctx, `SELECT started_at, count, last_at FROM grouping_windows WHERE group_key = ?`, key).
		Scan(&start, &w.Count, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return w, nil
	}
	if err != nil {
		return w, fmt.Errorf("read grouping window %q: %w", key, err)
	}
	w.Start, w.Last = windowTime(start), windowTime(last)
	return w, nil
}

// SetGroupWindow writes the group's window.
func (t *txStore) SetGroupWindow(ctx context.Context, w incident.GroupWindow) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO grouping_windows (group_key, started_at, count, last_at) VALUES (?,?,?,?)
		ON CONFLICT (group_key) DO UPDATE SET started_at = excluded.started_at, count = excluded.count, last_at = excluded.last_at`,
		w.Key, windowNanos(w.Start), w.Count, windowNanos(w.Last))
	if err != nil {
		return fmt.Errorf("write grouping window %q: %w", w.Key, err)
	}
	return nil
}

// Children lists the incidents attached to the parent, oldest first.
func (t *txStore) Children(ctx context.Context, parentID int64) ([]*incident.Incident, error) {
	rows, err := t.tx.QueryContext(ctx, `SELECT `+sqlstore.IncidentColumns+` FROM incidents WHERE parent_id = ? ORDER BY id`, parentID)
	if err != nil {
		return nil, fmt.Errorf("list children of %s: %w", incident.FormatKey(parentID), err)
	}
	defer rows.Close()
	var out []*incident.Incident
	for rows.Next() {
		inc, err := sqlstore.ScanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, rows.Err()
}

// windowNanos and windowTime keep a zero time as 0.
func windowNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func windowTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return fromNanos(n)
}
