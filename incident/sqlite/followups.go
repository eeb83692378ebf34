package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// followupColumns are the columns of followups in scanFollowup's order.
const followupColumns = `id, incident_id, text, actor, state, ticket_backend, ticket_key, ticket_url, created_at, changed_at, changed_by`

func scanFollowup(row scanner) (*incident.Followup, error) {
	var f incident.Followup
	var state string
	var created, changed int64
	err := row.Scan(&f.ID, &f.IncidentID, &f.Text, &f.Actor, &state, &f.Ticket.Backend, &f.Ticket.Key, &f.Ticket.URL,
		&created, &changed, &f.ChangedBy)
	if err != nil {
		return nil, err
	}
	f.State, f.CreatedAt, f.ChangedAt = incident.FollowupState(state), fromNanos(created), fromNanos(changed)
	return &f, nil
}

func getFollowup(ctx context.Context, q queryer, where string, args ...any) (*incident.Followup, error) {
	f, err := scanFollowup(q.QueryRowContext(ctx, `SELECT `+followupColumns+` FROM followups WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "no such follow-up")
	}
	if err != nil {
		return nil, fmt.Errorf("read follow-up: %w", err)
	}
	return f, nil
}

func listFollowups(ctx context.Context, q queryer, incidentID int64) ([]incident.Followup, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+followupColumns+` FROM followups WHERE incident_id = ? ORDER BY id`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("list the follow-ups of incident %d: %w", incidentID, err)
	}
	defer rows.Close()
	out := []incident.Followup{}
	for rows.Next() {
		f, err := scanFollowup(rows)
		if err != nil {
			return nil, fmt.Errorf("read a follow-up of incident %d: %w", incidentID, err)
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// Followups returns an incident's follow-ups, oldest first.
func (s *DB) Followups(ctx context.Context, incidentID int64) ([]incident.Followup, error) {
	return listFollowups(ctx, reader{s}, incidentID)
}

// Followup returns one follow-up.
func (s *DB) Followup(ctx context.Context, id int64) (*incident.Followup, error) {
	return getFollowup(ctx, reader{s}, `id = ?`, id)
}

func (t *txStore) Followups(ctx context.Context, incidentID int64) ([]incident.Followup, error) {
	return listFollowups(ctx, t.tx, incidentID)
}

func (t *txStore) Followup(ctx context.Context, id int64) (*incident.Followup, error) {
	return getFollowup(ctx, t.tx, `id = ?`, id)
}

func (t *txStore) FollowupByTicket(ctx context.Context, backend, key string) (*incident.Followup, error) {
	if key == "" {
		return nil, incident.Errorf(incident.KindNotFound, "no follow-up has an empty ticket")
	}
	return getFollowup(ctx, t.tx, `ticket_backend = ? AND ticket_key = ? ORDER BY id LIMIT 1`, backend, key)
}

func (t *txStore) CreateFollowup(ctx context.Context, f *incident.Followup) error {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO followups (incident_id, text, actor, state, ticket_backend, ticket_key, ticket_url,
		created_at, changed_at, changed_by) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		f.IncidentID, f.Text, f.Actor, string(f.State), f.Ticket.Backend, f.Ticket.Key, f.Ticket.URL, nanos(f.CreatedAt), nanos(f.ChangedAt), f.ChangedBy)
	if err != nil {
		return fmt.Errorf("insert follow-up of incident %d: %w", f.IncidentID, err)
	}
	f.ID, err = res.LastInsertId()
	return err
}

func (t *txStore) UpdateFollowup(ctx context.Context, f *incident.Followup) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE followups SET state = ?, ticket_backend = ?, ticket_key = ?, ticket_url = ?, changed_at = ?,
		changed_by = ? WHERE id = ?`, string(f.State), f.Ticket.Backend, f.Ticket.Key, f.Ticket.URL, nanos(f.ChangedAt), f.ChangedBy, f.ID)
	if err != nil {
		return fmt.Errorf("update follow-up #%d: %w", f.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return incident.Errorf(incident.KindNotFound, "follow-up #%d does not exist", f.ID)
	}
	return nil
}
