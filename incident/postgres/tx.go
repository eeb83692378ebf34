package postgres

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// Update runs fn in one transaction: fn's changes, the jobs it enqueues
// included, commit or roll back as a whole. The incidents fn reads through
// the Tx are locked (FOR NO KEY UPDATE) until then, so that two replicas changing
// one incident take turns instead of overwriting each other.
func (s *DB) Update(ctx context.Context, fn func(incident.Tx) error) error {
	return s.tx(ctx, func(tx q) error {
		if err := checkFence(ctx, tx, s.clock.Now()); err != nil {
			return err
		}
		t := s.newTx(tx)
		if err := fn(t); err != nil {
			return err
		}
		return t.flush(ctx)
	})
}

func (s *DB) newTx(tx q) *txStore {
	return &txStore{tx: tx, clock: s.clock, lanes: laneLocks{}, written: map[int64][]any{}}
}

// txStore implements incident.Tx.
type txStore struct {
	tx    q
	clock incident.Clock
	lanes laneLocks // lane locks this transaction holds (enqueue)
	// queued holds the jobs enqueued, written when fn returns (enqueue.go).
	queued jobBuffer
	// written holds the columns last written of each incident this
	// transaction created or updated: an update that would write them
	// again is left out (an alert's new incident is written once, not
	// inserted and then updated with the same values).
	written map[int64][]any
}

// insertIncident and updateIncident write every column but id.
var (
	insertIncident = `INSERT INTO incidents (` + strings.TrimPrefix(sqlstore.IncidentColumns, "id, ") + `)
		VALUES (?` + strings.Repeat(",?", strings.Count(sqlstore.IncidentColumns, ",")-1) + `) RETURNING id`
	updateIncident = func() string {
		cols := strings.Split(strings.TrimPrefix(sqlstore.IncidentColumns, "id, "), ",")
		sets := make([]string, len(cols))
		for i, c := range cols {
			sets[i] = strings.TrimSpace(c) + " = ?"
		}
		return `UPDATE incidents SET ` + strings.Join(sets, ", ") + ` WHERE id = ?`
	}()
)

// CreateIncident stores a new incident. Another live incident of the same
// alert group, which a concurrent transaction (another replica) committed
// after this one looked for it, is a KindTransient error: a retry finds
// that incident and adds to it.
func (t *txStore) CreateIncident(ctx context.Context, inc *incident.Incident) error {
	args, err := sqlstore.IncidentArgs(inc)
	if err != nil {
		return err
	}
	if err := t.tx.QueryRowContext(ctx, insertIncident, args...).Scan(&inc.ID); err != nil {
		if uniqueViolation(err) {
			return incident.Errorf(incident.KindTransient, "an open incident for %s %q was opened meanwhile; try again to add to it", inc.Source, inc.DedupKey)
		}
		return fmt.Errorf("insert incident: %w", err)
	}
	inc.Key = incident.FormatKey(inc.ID)
	t.written[inc.ID] = args
	// No other transaction sees the incident before this one commits, so
	// none can move its lanes: its enqueues need no lane lock.
	t.lanes.hold(inc.ID, "")
	return nil
}

func (t *txStore) UpdateIncident(ctx context.Context, inc *incident.Incident) error {
	args, err := sqlstore.IncidentArgs(inc)
	if err != nil {
		return err
	}
	if reflect.DeepEqual(t.written[inc.ID], args) {
		return nil // this transaction wrote these values; the row is locked by it since
	}
	if _, err := t.tx.ExecContext(ctx, updateIncident, append(args, inc.ID)...); err != nil {
		return fmt.Errorf("update incident %s: %w", inc.Key, err)
	}
	t.written[inc.ID] = args
	return nil
}

// forUpdate ends the WHERE of a transaction's incident reads: the row
// stays locked until the transaction ends. FOR NO KEY UPDATE (what an
// UPDATE that keeps the id takes) excludes every other transaction's
// incident read and update, but not the foreign-key checks of other
// transactions' events and jobs of that incident (FOR KEY SHARE), which
// FOR UPDATE would hold up until this commit.
const forUpdate = ` FOR NO KEY UPDATE`

func (t *txStore) Incident(ctx context.Context, id int64) (*incident.Incident, error) {
	inc, err := sqlstore.GetIncident(ctx, t.tx, `id = ?`+forUpdate, id)
	if incident.ErrorKind(err) == incident.KindNotFound {
		return nil, incident.Errorf(incident.KindNotFound, "incident %s does not exist; list incidents with GET /api/v1/incidents", incident.FormatKey(id))
	}
	return inc, err
}

func (t *txStore) ActiveIncidentByDedup(ctx context.Context, source, dedupKey string) (*incident.Incident, error) {
	return sqlstore.GetIncident(ctx, t.tx, sqlstore.ActiveByDedup+forUpdate, source, dedupKey)
}

func (t *txStore) Enqueue(ctx context.Context, j incident.Job) error {
	return t.enqueue(ctx, j)
}

func (t *txStore) SetChatPost(ctx context.Context, incidentID int64, slot, postID string) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO chat_posts (incident_id, slot, post_id) VALUES (?,?,?)
		ON CONFLICT (incident_id, slot) DO UPDATE SET post_id = excluded.post_id`, incidentID, slot, postID)
	if err != nil {
		return fmt.Errorf("remember %s post: %w", slot, err)
	}
	return nil
}

func (t *txStore) IncidentByDedup(ctx context.Context, source, dedupKey string) (*incident.Incident, error) {
	return sqlstore.GetIncident(ctx, t.tx, `source = ? AND dedup_key = ? ORDER BY id DESC LIMIT 1`+forUpdate, source, dedupKey)
}

func (t *txStore) IncidentByTicket(ctx context.Context, backend, key string) (*incident.Incident, error) {
	return sqlstore.GetIncident(ctx, t.tx, `ticket_backend = ? AND ticket_key = ? ORDER BY id DESC LIMIT 1`+forUpdate, backend, key)
}

// MarkTicketChange records the change when it is not older than the one
// marked; concurrent marks of one ticket take turns on its row.
func (t *txStore) MarkTicketChange(ctx context.Context, backend, key string, at time.Time, seq int64) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO ticket_marks AS m (backend, ticket_key, changed_at, seq) VALUES (?,?,?,?)
		ON CONFLICT (backend, ticket_key) DO UPDATE SET changed_at = excluded.changed_at, seq = excluded.seq
		WHERE excluded.changed_at > m.changed_at OR (excluded.changed_at = m.changed_at AND excluded.seq >= m.seq)`,
		backend, key, nanos(at), seq)
	if err != nil {
		return false, fmt.Errorf("mark change of ticket %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
