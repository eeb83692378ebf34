package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/incident"
)

// countLiveSQL counts the live incidents by status and severity, from the
// index on (status, severity) alone.
const countLiveSQL = `SELECT status, severity, COUNT(*) FROM incidents
	WHERE status IN ('open', 'acked', 'resolved') GROUP BY status, severity`

// reportCellsSQL sums the incidents opened in a range by severity, source
// and week (weeks counted from incident.WeekEpoch), times in milliseconds.
// The sums are cast to BIGINT: PostgreSQL's SUM of BIGINT is NUMERIC, and
// SQLite's of integers an integer already (the cast changes nothing).
const reportCellsSQL = `SELECT severity, source, (created_at - ?) / ? AS week, COUNT(*),
	COUNT(acked_at), CAST(COALESCE(SUM((acked_at - created_at) / 1000000), 0) AS BIGINT),
	COUNT(resolved_at), CAST(COALESCE(SUM((resolved_at - created_at) / 1000000), 0) AS BIGINT)
	FROM incidents WHERE created_at >= ? AND created_at < ?
	GROUP BY 1, 2, 3 ORDER BY 3, 1, 2`

// CountLive counts the incidents that are open, acked or resolved, by
// status and severity.
func (d Dialect) CountLive(ctx context.Context, q Queryer) ([]incident.IncidentCount, error) {
	rows, err := q.QueryContext(ctx, countLiveSQL)
	if err != nil {
		return nil, fmt.Errorf("count live incidents: %w", err)
	}
	defer rows.Close()
	var out []incident.IncidentCount
	for rows.Next() {
		var c incident.IncidentCount
		var status, sev string
		if err := rows.Scan(&status, &sev, &c.N); err != nil {
			return nil, fmt.Errorf("count live incidents: %w", err)
		}
		c.Status = incident.Status(status)
		if c.Severity, err = incident.ParseSeverity(sev); err != nil {
			return nil, fmt.Errorf("count live incidents: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReportCells sums the incidents opened in [from, to) by severity, source
// and week.
func (d Dialect) ReportCells(ctx context.Context, q Queryer, from, to time.Time) ([]incident.ReportCell, error) {
	rows, err := q.QueryContext(ctx, reportCellsSQL, nanos(incident.WeekEpoch), int64(incident.Week), nanos(from), nanos(to))
	if err != nil {
		return nil, fmt.Errorf("sum incidents for the report: %w", err)
	}
	defer rows.Close()
	var out []incident.ReportCell
	for rows.Next() {
		var c incident.ReportCell
		var sev string
		var week int64
		if err := rows.Scan(&sev, &c.Source, &week, &c.Opened, &c.Acked, &c.AckMillis, &c.Resolved, &c.ResolveMillis); err != nil {
			return nil, fmt.Errorf("sum incidents for the report: %w", err)
		}
		if c.Severity, err = incident.ParseSeverity(sev); err != nil {
			return nil, fmt.Errorf("sum incidents for the report: %w", err)
		}
		c.Week = incident.WeekEpoch.Add(time.Duration(week) * incident.Week)
		out = append(out, c)
	}
	return out, rows.Err()
}
