package sqlite

import (
	"context"
	"time"

	"github.com/warroom/warroom/incident"
)

// The reports' statements are the shared core's (core.go), run unprepared
// on the read pool, as they were before the core.

// CountLive counts the incidents that are open, acked or resolved, by
// status and severity.
func (s *DB) CountLive(ctx context.Context) ([]incident.IncidentCount, error) {
	return core.CountLive(ctx, s.rdb)
}

// ReportCells sums the incidents opened in [from, to) by severity, source
// and week.
func (s *DB) ReportCells(ctx context.Context, from, to time.Time) ([]incident.ReportCell, error) {
	return core.ReportCells(ctx, s.rdb, from, to)
}
