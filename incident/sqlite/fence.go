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

// checkFence refuses the update when ctx is fenced (incident.WithFence) by
// a holding that is no longer the lease's. The update holds SQLite's write
// lock from its start (BEGIN IMMEDIATE), so no takeover commits between the
// check and the update's commit.
func checkFence(ctx context.Context, w sqlstore.Queryer, now time.Time) error {
	h, ok := incident.FenceOf(ctx)
	if !ok {
		return nil
	}
	var one int
	err := w.QueryRowContext(ctx, `SELECT 1 FROM leases WHERE name = ? AND holder = ? AND token = ? AND until > ?`,
		h.Name, h.Holder, h.Token, nanos(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("lease %q under token %d: %w", h.Name, h.Token, incident.ErrLeaseFenced)
	}
	if err != nil {
		return fmt.Errorf("check the fence of lease %q: %w", h.Name, err)
	}
	return nil
}
