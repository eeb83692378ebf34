package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// The queries are incident/sqlite's (q rebinds the placeholders); the
// latest revision is read FOR UPDATE, so two replicas saving one
// postmortem take turns, and the keys refuse what slips past.

// postmortemSelect reads a postmortem at its latest revision, with its
// incident's title and severity for lists.
const postmortemSelect = `SELECT p.incident_id, i.title, i.severity, p.state, p.revision, r.body, r.author, r.at, r.sha256,
	p.created_at, p.reviewed_by, p.reviewed_at, p.stored_revision, p.stored_in, p.stored_at
	FROM postmortems p JOIN incidents i ON i.id = p.incident_id
	JOIN postmortem_revisions r ON r.incident_id = p.incident_id AND r.n = p.revision`

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanPostmortem(row scanner) (*incident.Postmortem, error) {
	var pm incident.Postmortem
	var sev, state string
	var at, created int64
	var reviewedAt, storedAt sql.NullInt64
	if err := row.Scan(&pm.IncidentID, &pm.Title, &sev, &state, &pm.Revision, &pm.Body, &pm.EditedBy, &at, &pm.SHA256,
		&created, &pm.ReviewedBy, &reviewedAt, &pm.StoredRevision, &pm.StoredIn, &storedAt); err != nil {
		return nil, err
	}
	pm.Key, pm.State, pm.EditedAt, pm.CreatedAt = incident.FormatKey(pm.IncidentID), incident.PostmortemState(state), fromNanos(at), fromNanos(created)
	pm.Severity, _ = incident.ParseSeverity(sev)
	pm.ReviewedAt, pm.StoredAt = nullTime(reviewedAt), nullTime(storedAt)
	return &pm, nil
}

func readPostmortem(ctx context.Context, q rowQuerier, incidentID int64) (*incident.Postmortem, error) {
	pm, err := scanPostmortem(q.QueryRowContext(ctx, postmortemSelect+` WHERE p.incident_id = ?`, incidentID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "%s has no postmortem", incident.FormatKey(incidentID))
	}
	if err != nil {
		return nil, storeError("read postmortem", err)
	}
	return pm, nil
}

// Postmortem implements incident.PostmortemReader.
func (s *DB) Postmortem(ctx context.Context, incidentID int64) (*incident.Postmortem, error) {
	return readPostmortem(ctx, s.q(), incidentID)
}

// PostmortemRevisions implements incident.PostmortemReader.
func (s *DB) PostmortemRevisions(ctx context.Context, incidentID int64) ([]incident.PostmortemRevision, error) {
	rows, err := s.q().QueryContext(ctx, `SELECT n, body, author, at, sha256 FROM postmortem_revisions WHERE incident_id = ? ORDER BY n`, incidentID)
	if err != nil {
		return nil, storeError("read postmortem revisions", err)
	}
	defer rows.Close()
	var out []incident.PostmortemRevision
	for rows.Next() {
		var r incident.PostmortemRevision
		var at int64
		if err := rows.Scan(&r.N, &r.Body, &r.Author, &at, &r.SHA256); err != nil {
			return nil, storeError("read postmortem revisions", err)
		}
		r.At = fromNanos(at)
		out = append(out, r)
	}
	return out, storeError("read postmortem revisions", rows.Err())
}

// Postmortems implements incident.PostmortemReader.
func (s *DB) Postmortems(ctx context.Context, f incident.PostmortemFilter) ([]*incident.Postmortem, error) {
	query, args := postmortemList(f)
	rows, err := s.q().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, storeError("list postmortems", err)
	}
	defer rows.Close()
	var out []*incident.Postmortem
	for rows.Next() {
		pm, err := scanPostmortem(rows)
		if err != nil {
			return nil, storeError("list postmortems", err)
		}
		out = append(out, pm)
	}
	return out, storeError("list postmortems", rows.Err())
}

// postmortemList is the review list's query: oldest draft first.
func postmortemList(f incident.PostmortemFilter) (string, []any) {
	query := postmortemSelect + ` WHERE p.state = ?`
	args := []any{string(f.State)}
	if len(f.Severity) > 0 {
		query += ` AND i.severity IN (?` + strings.Repeat(",?", len(f.Severity)-1) + `)`
		for _, sev := range f.Severity {
			args = append(args, sev.String())
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	return query + ` ORDER BY p.created_at, p.incident_id LIMIT ?`, append(args, limit)
}

// Postmortem implements incident.PostmortemTx.
func (t *txStore) Postmortem(ctx context.Context, incidentID int64) (*incident.Postmortem, error) {
	return readPostmortem(ctx, t.tx, incidentID)
}

// AddPostmortemRevision implements incident.PostmortemTx.
func (t *txStore) AddPostmortemRevision(ctx context.Context, incidentID int64, rev incident.PostmortemRevision) error {
	var latest int
	err := t.tx.QueryRowContext(ctx, `SELECT revision FROM postmortems WHERE incident_id = ? FOR UPDATE`, incidentID).Scan(&latest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return storeError("read postmortem", err)
	}
	if rev.N != latest+1 {
		return incident.Errorf(incident.KindConflict, "revision %d of the postmortem of %s is saved already (latest: %d)", rev.N, incident.FormatKey(incidentID), latest)
	}
	if latest == 0 {
		_, err = t.tx.ExecContext(ctx, `INSERT INTO postmortems (incident_id, revision, created_at) VALUES (?, ?, ?)`, incidentID, rev.N, nanos(rev.At))
	} else {
		_, err = t.tx.ExecContext(ctx, `UPDATE postmortems SET revision = ? WHERE incident_id = ?`, rev.N, incidentID)
	}
	if uniqueViolation(err) {
		return incident.Errorf(incident.KindConflict, "the postmortem of %s was saved meanwhile by another request", incident.FormatKey(incidentID))
	}
	if err != nil {
		return storeError("save postmortem", err)
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO postmortem_revisions (incident_id, n, body, author, at, sha256) VALUES (?, ?, ?, ?, ?, ?)`,
		incidentID, rev.N, rev.Body, rev.Author, nanos(rev.At), rev.SHA256)
	if uniqueViolation(err) {
		return incident.Errorf(incident.KindConflict, "revision %d of the postmortem of %s was saved meanwhile by another request", rev.N, incident.FormatKey(incidentID))
	}
	if err != nil {
		return storeError(fmt.Sprintf("save revision %d of the postmortem", rev.N), err)
	}
	return nil
}

// SetPostmortemState implements incident.PostmortemTx.
func (t *txStore) SetPostmortemState(ctx context.Context, incidentID int64, st incident.PostmortemState, by string, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE postmortems SET state = ?, reviewed_by = ?, reviewed_at = ? WHERE incident_id = ?`,
		string(st), by, nanos(at), incidentID)
	if err != nil {
		return storeError("mark postmortem", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return incident.Errorf(incident.KindNotFound, "%s has no postmortem", incident.FormatKey(incidentID))
	}
	return nil
}

// MarkPostmortemStored implements incident.PostmortemTx.
func (t *txStore) MarkPostmortemStored(ctx context.Context, incidentID int64, n int, where string, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE postmortems SET stored_revision = ?, stored_in = ?, stored_at = ? WHERE incident_id = ? AND stored_revision < ?`,
		n, where, nanos(at), incidentID, n)
	return storeError("mark postmortem stored", err)
}
