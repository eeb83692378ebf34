package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// postmortemSelect reads a postmortem at its latest revision, with its
// incident's title and severity for lists.
const postmortemSelect = `SELECT p.incident_id, i.title, i.severity, p.state, p.revision, r.body, r.author, r.at, r.sha256,
	p.created_at, p.reviewed_by, p.reviewed_at, p.stored_revision, p.stored_in, p.stored_at
	FROM postmortems p JOIN incidents i ON i.id = p.incident_id
	JOIN postmortem_revisions r ON r.incident_id = p.incident_id AND r.n = p.revision`

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

// Postmortem reads an incident's postmortem at its latest revision, or
// returns a KindNotFound error when it has none.
func (d Dialect) Postmortem(ctx context.Context, q Queryer, incidentID int64) (*incident.Postmortem, error) {
	pm, err := scanPostmortem(q.QueryRowContext(ctx, postmortemSelect+` WHERE p.incident_id = ?`, incidentID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incident.Errorf(incident.KindNotFound, "%s has no postmortem", incident.FormatKey(incidentID))
	}
	if err != nil {
		return nil, d.StoreError("read postmortem", err)
	}
	return pm, nil
}

// PostmortemRevisions reads every revision of an incident's postmortem,
// the first first.
func (d Dialect) PostmortemRevisions(ctx context.Context, q Queryer, incidentID int64) ([]incident.PostmortemRevision, error) {
	rows, err := q.QueryContext(ctx, `SELECT n, body, author, at, sha256 FROM postmortem_revisions WHERE incident_id = ? ORDER BY n`, incidentID)
	if err != nil {
		return nil, d.StoreError("read postmortem revisions", err)
	}
	defer rows.Close()
	var out []incident.PostmortemRevision
	for rows.Next() {
		var r incident.PostmortemRevision
		var at int64
		if err := rows.Scan(&r.N, &r.Body, &r.Author, &at, &r.SHA256); err != nil {
			return nil, d.StoreError("read postmortem revisions", err)
		}
		r.At = fromNanos(at)
		out = append(out, r)
	}
	return out, d.StoreError("read postmortem revisions", rows.Err())
}

// Postmortems lists the postmortems f selects, oldest first.
func (d Dialect) Postmortems(ctx context.Context, q Queryer, f incident.PostmortemFilter) ([]*incident.Postmortem, error) {
	query, args := postmortemList(f)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, d.StoreError("list postmortems", err)
	}
	defer rows.Close()
	var out []*incident.Postmortem
	for rows.Next() {
		pm, err := scanPostmortem(rows)
		if err != nil {
			return nil, d.StoreError("list postmortems", err)
		}
		out = append(out, pm)
	}
	return out, d.StoreError("list postmortems", rows.Err())
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

// AddPostmortemRevision saves revision rev.N of an incident's postmortem
// in the transaction q, which must be the one after the latest. The latest
// is read locked (ForUpdate), so that two replicas saving one postmortem
// take turns, and a unique index's refusal of what slips past is a
// KindConflict error, as is a revision saved already.
func (d Dialect) AddPostmortemRevision(ctx context.Context, q Queryer, incidentID int64, rev incident.PostmortemRevision) error {
	var latest int
	err := q.QueryRowContext(ctx, `SELECT revision FROM postmortems WHERE incident_id = ?`+d.ForUpdate, incidentID).Scan(&latest)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return d.StoreError("read postmortem", err)
	}
	if rev.N != latest+1 {
		return incident.Errorf(incident.KindConflict, "revision %d of the postmortem of %s is saved already (latest: %d)", rev.N, incident.FormatKey(incidentID), latest)
	}
	if latest == 0 {
		_, err = q.ExecContext(ctx, `INSERT INTO postmortems (incident_id, revision, created_at) VALUES (?, ?, ?)`, incidentID, rev.N, nanos(rev.At))
	} else {
		_, err = q.ExecContext(ctx, `UPDATE postmortems SET revision = ? WHERE incident_id = ?`, rev.N, incidentID)
	}
	if d.unique(err) {
		return incident.Errorf(incident.KindConflict, "the postmortem of %s was saved meanwhile by another request", incident.FormatKey(incidentID))
	}
	if err != nil {
		return d.StoreError("save postmortem", err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO postmortem_revisions (incident_id, n, body, author, at, sha256) VALUES (?, ?, ?, ?, ?, ?)`,
		incidentID, rev.N, rev.Body, rev.Author, nanos(rev.At), rev.SHA256)
	if d.unique(err) {
		return incident.Errorf(incident.KindConflict, "revision %d of the postmortem of %s was saved meanwhile by another request", rev.N, incident.FormatKey(incidentID))
	}
	if err != nil {
		return d.StoreError(fmt.Sprintf("save revision %d of the postmortem", rev.N), err)
	}
	return nil
}

// SetPostmortemState moves an incident's postmortem to state st, reviewed
// by by at at, or returns a KindNotFound error when it has none.
func (d Dialect) SetPostmortemState(ctx context.Context, q Queryer, incidentID int64, st incident.PostmortemState, by string, at time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE postmortems SET state = ?, reviewed_by = ?, reviewed_at = ? WHERE incident_id = ?`,
		string(st), by, nanos(at), incidentID)
	if err != nil {
		return d.StoreError("mark postmortem", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return incident.Errorf(incident.KindNotFound, "%s has no postmortem", incident.FormatKey(incidentID))
	}
	return nil
}

// MarkPostmortemStored records that revision n of the postmortem is
// stored in where, unless a later one is recorded already.
func (d Dialect) MarkPostmortemStored(ctx context.Context, q Queryer, incidentID int64, n int, where string, at time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE postmortems SET stored_revision = ?, stored_in = ?, stored_at = ? WHERE incident_id = ? AND stored_revision < ?`,
		n, where, nanos(at), incidentID, n)
	return d.StoreError("mark postmortem stored", err)
}
