package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// Update runs fn in one write transaction, committed together with the
// updates that arrived beside it (group commit, commit.go); fn's changes
// commit or roll back as a whole either way.
func (s *DB) Update(ctx context.Context, fn func(incident.Tx) error) error {
	return s.update(ctx, func(w writer) error {
		if err := checkFence(ctx, w, s.clock.Now()); err != nil {
			return err
		}
		return fn(&txStore{tx: w, clock: s.clock})
	})
}

// txStore implements incident.Tx.
type txStore struct {
	tx    writer
	clock incident.Clock
}

// insertIncident and updateIncident write every column but id; they are
// built once so that each is one prepared statement.
var (
	insertIncident = `INSERT INTO incidents (` + strings.TrimPrefix(sqlstore.IncidentColumns, "id, ") + `)
		VALUES (?` + strings.Repeat(",?", strings.Count(sqlstore.IncidentColumns, ",")-1) + `)`
	updateIncident = func() string {
		cols := strings.Split(strings.TrimPrefix(sqlstore.IncidentColumns, "id, "), ",")
		sets := make([]string, len(cols))
		for i, c := range cols {
			sets[i] = strings.TrimSpace(c) + " = ?"
		}
		return `UPDATE incidents SET ` + strings.Join(sets, ", ") + ` WHERE id = ?`
	}()
)

func (t *txStore) CreateIncident(ctx context.Context, inc *incident.Incident) error {
	args, err := sqlstore.IncidentArgs(inc)
	if err != nil {
		return err
	}
	res, err := t.tx.ExecContext(ctx, insertIncident, args...)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return incident.Errorf(incident.KindConflict, "an open incident for %s %q already exists", inc.Source, inc.DedupKey)
		}
		return fmt.Errorf("insert incident: %w", err)
	}
	if inc.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	inc.Key = incident.FormatKey(inc.ID)
	return nil
}

func (t *txStore) UpdateIncident(ctx context.Context, inc *incident.Incident) error {
	args, err := sqlstore.IncidentArgs(inc)
	if err != nil {
		return err
	}
	args = append(args, inc.ID)
	_, err = t.tx.ExecContext(ctx, updateIncident, args...)
	if err != nil {
		return fmt.Errorf("update incident %s: %w", inc.Key, err)
	}
	return nil
}

func (t *txStore) Incident(ctx context.Context, id int64) (*incident.Incident, error) {
	inc, err := sqlstore.GetIncident(ctx, t.tx, `id = ?`, id)
	if incident.ErrorKind(err) == incident.KindNotFound {
		return nil, incident.Errorf(incident.KindNotFound, "incident %s does not exist; list incidents with GET /api/v1/incidents", incident.FormatKey(id))
	}
	return inc, err
}

func (t *txStore) ActiveIncidentByDedup(ctx context.Context, source, dedupKey string) (*incident.Incident, error) {
	return sqlstore.GetIncident(ctx, t.tx, sqlstore.ActiveByDedup, source, dedupKey)
}

func (t *txStore) Enqueue(ctx context.Context, j incident.Job) error {
	return enqueue(ctx, t.tx, j, t.clock.Now())
}

func (t *txStore) SetChatPost(ctx context.Context, incidentID int64, slot, postID string) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO chat_posts (incident_id, slot, post_id) VALUES (?,?,?)
		ON CONFLICT (incident_id, slot) DO UPDATE SET post_id = excluded.post_id`, incidentID, slot, postID)
	if err != nil {
		return fmt.Errorf("remember %s post: %w", slot, err)
	}
	return nil
}

// byDedup finds the newest incident of a group through incidents_dedup.
const byDedup = `source = ? AND dedup_key = ? ORDER BY id DESC LIMIT 1`

func (t *txStore) IncidentByDedup(ctx context.Context, source, dedupKey string) (*incident.Incident, error) {
	return sqlstore.GetIncident(ctx, t.tx, byDedup, source, dedupKey)
}

func (t *txStore) IncidentByTicket(ctx context.Context, backend, key string) (*incident.Incident, error) {
	return sqlstore.GetIncident(ctx, t.tx, `ticket_backend = ? AND ticket_key = ? ORDER BY id DESC LIMIT 1`, backend, key)
}

func (t *txStore) MarkTicketChange(ctx context.Context, backend, key string, at time.Time, seq int64) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO ticket_marks (backend, ticket_key, changed_at, seq) VALUES (?,?,?,?)
		ON CONFLICT (backend, ticket_key) DO UPDATE SET changed_at = excluded.changed_at, seq = excluded.seq
		WHERE excluded.changed_at > changed_at OR (excluded.changed_at = changed_at AND excluded.seq >= seq)`,
		backend, key, nanos(at), seq)
	if err != nil {
		return false, fmt.Errorf("mark change of ticket %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
