package sqlstore

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

func getFollowup(ctx context.Context, q Queryer, where string, args ...any) (*incident.Followup, error) {
	f, err := scanFollowup(q.QueryRowContext(ctx, `SELECT `+followupColumns+` FROM followups WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "no such follow-up")
	}
	if err != nil {
		return nil, fmt.Errorf("read follow-up: %w", err)
	}
	return f, nil
}

// Followups returns an incident's follow-ups, oldest first.
func (d Dialect) Followups(ctx context.Context, q Queryer, incidentID int64) ([]incident.Followup, error) {
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

// Followup returns one follow-up, or a KindNotFound error.
func (d Dialect) Followup(ctx context.Context, q Queryer, id int64) (*incident.Followup, error) {
	return getFollowup(ctx, q, `id = ?`, id)
}

// LockFollowup is Followup in a transaction that may change it: the row
// stays locked until the transaction ends, so that two replicas never
// both record its ticket.
func (d Dialect) LockFollowup(ctx context.Context, q Queryer, id int64) (*incident.Followup, error) {
	return getFollowup(ctx, q, `id = ?`+d.ForNoKeyUpdate, id)
}

// FollowupByTicket returns, locked, the first follow-up filed as the
// ticket key of backend, or a KindNotFound error (always for an empty key).
func (d Dialect) FollowupByTicket(ctx context.Context, q Queryer, backend, key string) (*incident.Followup, error) {
	if key == "" {
		return nil, incident.Errorf(incident.KindNotFound, "no follow-up has an empty ticket")
	}
	return getFollowup(ctx, q, `ticket_backend = ? AND ticket_key = ? ORDER BY id LIMIT 1`+d.ForNoKeyUpdate, backend, key)
}

// CreateFollowup stores a new follow-up and sets its ID.
func (d Dialect) CreateFollowup(ctx context.Context, q Queryer, f *incident.Followup) error {
	id, err := d.insert(ctx, q, `INSERT INTO followups (incident_id, text, actor, state, ticket_backend, ticket_key, ticket_url,
		created_at, changed_at, changed_by) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		f.IncidentID, f.Text, f.Actor, string(f.State), f.Ticket.Backend, f.Ticket.Key, f.Ticket.URL, nanos(f.CreatedAt), nanos(f.ChangedAt), f.ChangedBy)
	if err != nil {
		return fmt.Errorf("insert follow-up of incident %d: %w", f.IncidentID, err)
	}
	f.ID = id
	return nil
}

// UpdateFollowup writes a follow-up's state, ticket and change, or returns
// a KindNotFound error when it does not exist.
func (d Dialect) UpdateFollowup(ctx context.Context, q Queryer, f *incident.Followup) error {
	res, err := q.ExecContext(ctx, `UPDATE followups SET state = ?, ticket_backend = ?, ticket_key = ?, ticket_url = ?, changed_at = ?,
		changed_by = ? WHERE id = ?`, string(f.State), f.Ticket.Backend, f.Ticket.Key, f.Ticket.URL, nanos(f.ChangedAt), f.ChangedBy, f.ID)
	if err != nil {
		return fmt.Errorf("update follow-up #%d: %w", f.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return incident.Errorf(incident.KindNotFound, "follow-up #%d does not exist", f.ID)
	}
	return nil
}
