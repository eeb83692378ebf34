package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

// checkFence refuses the transaction when ctx is fenced (incident.WithFence)
// by a holding that is no longer the lease's. FOR SHARE keeps the lease
// row as it is until the commit: a takeover's acquisition (an update of the
// row) waits for this transaction, so no write of the old holder commits
// after a new holder took over.
func checkFence(ctx context.Context, tx q, now time.Time) error {
	h, ok := incident.FenceOf(ctx)
	if !ok {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM leases WHERE name = ? AND holder = ? AND token = ? AND until > ? FOR SHARE`,
		h.Name, h.Holder, h.Token, nanos(now)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("lease %q under token %d: %w", h.Name, h.Token, incident.ErrLeaseFenced)
	}
	return storeError(fmt.Sprintf("check the fence of lease %q", h.Name), err)
}
