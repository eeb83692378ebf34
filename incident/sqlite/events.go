package sqlite

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// Events returns an incident's timeline ordered by when things happened.
func (s *DB) Events(ctx context.Context, incidentID int64) ([]incident.Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, incident_id, kind, actor, text, at, recorded_at, coalesce(ref, '')
		FROM events WHERE incident_id = ? ORDER BY at, id`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	defer rows.Close()
	out := []incident.Event{}
	for rows.Next() {
		var ev incident.Event
		var kind string
		var at, rec int64
		if err := rows.Scan(&ev.ID, &ev.IncidentID, &kind, &ev.Actor, &ev.Text, &at, &rec, &ev.Ref); err != nil {
			return nil, err
		}
		ev.Kind, ev.At, ev.RecordedAt = incident.EventKind(kind), fromNanos(at), fromNanos(rec)
		out = append(out, ev)
	}
	return out, rows.Err()
}
