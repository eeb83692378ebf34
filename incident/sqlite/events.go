package sqlite

import (
	"context"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// The timeline's statements are the shared core's (incident/internal/sqlstore).

// Events returns an incident's timeline ordered by when things happened.
func (s *DB) Events(ctx context.Context, incidentID int64) ([]incident.Event, error) {
	return sqlstore.Events(ctx, reader{s}, incidentID)
}

// Events returns the timeline as the transaction sees it.
func (t *txStore) Events(ctx context.Context, incidentID int64) ([]incident.Event, error) {
	return sqlstore.Events(ctx, t.tx, incidentID)
}

// AddEvent appends to the timeline; an event with the ref of one already
// recorded (same incident and kind) adds nothing and returns false.
func (t *txStore) AddEvent(ctx context.Context, ev *incident.Event) (bool, error) {
	return sqlstore.AddEvent(ctx, t.tx, ev)
}

// ChatPost returns the ID of the message posted in a slot, or "".
func (s *DB) ChatPost(ctx context.Context, incidentID int64, slot string) (string, error) {
	return sqlstore.ChatPost(ctx, reader{s}, incidentID, slot)
}
