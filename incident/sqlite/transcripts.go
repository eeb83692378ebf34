package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// UpdateArchive runs fn in one write transaction.
func (s *DB) UpdateArchive(ctx context.Context, fn func(archive.Tx) error) error {
	return s.update(ctx, func(w writer) error { return fn(&archiveTx{txStore{tx: w, clock: s.clock}}) })
}

type archiveTx struct{ txStore }

func (t *archiveTx) SaveTranscript(ctx context.Context, incidentID int64, docs []archive.Document, now time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM transcripts WHERE incident_id = ?`, incidentID); err != nil {
		return fmt.Errorf("replace transcript: %w", err)
	}
	for _, d := range docs {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO transcripts (incident_id, name, format, content_type, content, sha256, created_at)
			VALUES (?,?,?,?,?,?,?)`, incidentID, d.Name, d.Format, d.ContentType, d.Content, d.SHA256, nanos(now))
		if err != nil {
			return fmt.Errorf("save transcript %s: %w", d.Name, err)
		}
	}
	return nil
}

func (t *archiveTx) MarkVerified(ctx context.Context, incidentID int64, name string, now time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE transcripts SET verified_at = ? WHERE incident_id = ? AND name = ? AND verified_at IS NULL`,
		nanos(now), incidentID, name)
	if err != nil {
		return fmt.Errorf("mark transcript verified: %w", err)
	}
	return nil
}

// Transcripts returns the stored documents of an incident: Markdown, JSON,
// then the files by name.
func (s *DB) Transcripts(ctx context.Context, incidentID int64) ([]archive.Stored, error) {
	rows, err := reader{s}.QueryContext(ctx, `SELECT format, name, content_type, content, sha256, created_at, verified_at
		FROM transcripts WHERE incident_id = ?
		ORDER BY CASE format WHEN 'md' THEN 0 WHEN 'json' THEN 1 ELSE 2 END, name`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("read transcripts: %w", err)
	}
	defer rows.Close()
	var out []archive.Stored
	for rows.Next() {
		var d archive.Stored
		var created int64
		var verified sql.NullInt64
		if err := rows.Scan(&d.Format, &d.Name, &d.ContentType, &d.Content, &d.SHA256, &created, &verified); err != nil {
			return nil, err
		}
		d.CreatedAt, d.VerifiedAt = fromNanos(created), nullTime(verified)
		out = append(out, d)
	}
	return out, rows.Err()
}

var _ incident.Store = (*DB)(nil)
var _ incident.JobQueue = (*DB)(nil)
var _ archive.Store = (*DB)(nil)
