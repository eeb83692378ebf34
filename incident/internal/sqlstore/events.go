package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// Events returns an incident's timeline ordered by when things happened,
// as q sees it.
func Events(ctx context.Context, q Queryer, incidentID int64) ([]incident.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, incident_id, kind, actor, text, at, recorded_at, coalesce(ref, ''), from_status, to_status
		FROM events WHERE incident_id = ? ORDER BY at, id`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	defer rows.Close()
	out := []incident.Event{}
	for rows.Next() {
		var ev incident.Event
		var kind, from, to string
		var at, rec int64
		if err := rows.Scan(&ev.ID, &ev.IncidentID, &kind, &ev.Actor, &ev.Text, &at, &rec, &ev.Ref, &from, &to); err != nil {
			return nil, err
		}
		ev.Kind, ev.At, ev.RecordedAt = incident.EventKind(kind), fromNanos(at), fromNanos(rec)
		ev.From, ev.To = incident.Status(from), incident.Status(to)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// AddEvent appends to the timeline through the transaction q and sets
// ev.ID; an event with the ref of one already recorded (same incident and
// kind) adds nothing and returns false.
func AddEvent(ctx context.Context, q Queryer, ev *incident.Event) (bool, error) {
	var ref any
	if ev.Ref != "" {
		ref = ev.Ref
	}
	err := q.QueryRowContext(ctx, `INSERT INTO events (incident_id, kind, actor, text, at, recorded_at, ref, from_status, to_status)
		VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id`,
		ev.IncidentID, string(ev.Kind), ev.Actor, ev.Text, nanos(ev.At), nanos(ev.RecordedAt), ref, string(ev.From), string(ev.To)).Scan(&ev.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // its ref is recorded already
	}
	if err != nil {
		return false, fmt.Errorf("add %s event: %w", ev.Kind, err)
	}
	return true, nil
}

// ChatPost returns the ID of the message posted in a slot, or "".
func ChatPost(ctx context.Context, q Queryer, incidentID int64, slot string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT post_id FROM chat_posts WHERE incident_id = ? AND slot = ?`, incidentID, slot).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s post: %w", slot, err)
	}
	return id, nil
}
