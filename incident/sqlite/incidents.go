package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// queryer is the shared core's Queryer: what the pools and transactions offer.
type queryer = sqlstore.Queryer

type scanner interface{ Scan(dest ...any) error }

// The incidents' statements are the shared core's (incident/internal/sqlstore).

// Incident returns one incident by ID.
func (s *DB) Incident(ctx context.Context, id int64) (*incident.Incident, error) {
	return sqlstore.Incident(ctx, reader{s}, id)
}

// IncidentByChannel returns the incident whose channel this is.
func (s *DB) IncidentByChannel(ctx context.Context, backend, channelID string) (*incident.Incident, error) {
	return sqlstore.IncidentByChannel(ctx, reader{s}, backend, channelID)
}

// Incidents lists incidents, newest first.
func (s *DB) Incidents(ctx context.Context, f incident.Filter) ([]*incident.Incident, error) {
	// Not from the statement cache: the SQL varies with the filter, and a
	// cache keyed by it would grow with every new combination asked for.
	return core.Incidents(ctx, s.rdb, f)
}

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

func nullTime(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}
