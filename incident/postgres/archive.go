package postgres

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// chunkBytes is the most one chunk of a stored document holds.
const chunkBytes = 256 << 10

// UpdateArchive runs fn in one transaction, as Update does.
func (s *DB) UpdateArchive(ctx context.Context, fn func(archive.Tx) error) error {
	return s.tx(ctx, func(tx q) error {
		a := &archiveTx{t: s.newTx(tx)}
		if err := fn(a); err != nil {
			return err
		}
		return a.t.flush(ctx)
	})
}

// archiveTx implements archive.Tx. It keeps the incident transaction
// unexported: the archive reaches the timeline only through the Service
// (Timeline), and nothing else of incident.Tx.
type archiveTx struct{ t *txStore }

// Timeline hands the transaction's event writes to the Service.
func (t *archiveTx) Timeline() incident.ArchiveTx { return incident.NewArchiveTx(t.t) }

// Postmortems is the transaction's writes of postmortems.
func (t *archiveTx) Postmortems() incident.PostmortemTx { return t.t }

func (t *archiveTx) Enqueue(ctx context.Context, j incident.Job) error { return t.t.Enqueue(ctx, j) }

func (t *archiveTx) ClearTranscript(ctx context.Context, incidentID int64) error {
	for _, stmt := range []string{`DELETE FROM transcript_chunks WHERE incident_id = ?`, `DELETE FROM transcript_docs WHERE incident_id = ?`,
		`DELETE FROM transcript_counts WHERE incident_id = ?`} {
		if _, err := t.t.tx.ExecContext(ctx, stmt, incidentID); err != nil {
			return fmt.Errorf("clear transcript: %w", err)
		}
	}
	return unindexTranscript(ctx, t.t.tx, incidentID)
}

// WriteDocument stores content chunk by chunk, cutting Markdown at line
// ends, and then the document's row with the size and digest d holds once
// content is drained.
func (t *archiveTx) WriteDocument(ctx context.Context, incidentID int64, d *archive.Document, content io.Reader, now time.Time) error {
	if _, err := t.t.tx.ExecContext(ctx, `INSERT INTO transcript_docs (incident_id, name, format, content_type, size, sha256, created_at)
		VALUES (?,?,?,?,0,'',?) ON CONFLICT (incident_id, name) DO NOTHING`, incidentID, d.Name, d.Format, d.ContentType, nanos(now)); err != nil {
		return fmt.Errorf("save transcript %s: %w", d.Name, err)
	}
	if _, err := t.t.tx.ExecContext(ctx, `DELETE FROM transcript_chunks WHERE incident_id = ? AND name = ?`, incidentID, d.Name); err != nil {
		return fmt.Errorf("save transcript %s: %w", d.Name, err)
	}
	buf := make([]byte, chunkBytes)
	fill, seq := 0, 0
	for eof := false; !eof; {
		n, err := io.ReadFull(content, buf[fill:])
		fill += n
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			eof = true
		case err != nil:
			return fmt.Errorf("read %s: %w", d.Name, err)
		}
		cut := fill
		if !eof && d.Format == "md" {
			if i := bytes.LastIndexByte(buf[:fill], '\n'); i >= 0 {
				cut = i + 1
			}
		}
		if cut == 0 {
			continue
		}
		if _, err := t.t.tx.ExecContext(ctx, `INSERT INTO transcript_chunks (incident_id, name, seq, format, content) VALUES (?,?,?,?,?)`,
			incidentID, d.Name, seq, d.Format, buf[:cut]); err != nil {
			return fmt.Errorf("save transcript %s: %w", d.Name, err)
		}
		seq++
		fill = copy(buf, buf[cut:fill])
	}
	if _, err := t.t.tx.ExecContext(ctx, `UPDATE transcript_docs SET size = ?, sha256 = ?, format = ?, content_type = ?,
		verified_at = NULL, placement = '', reason = '' WHERE incident_id = ? AND name = ?`,
		d.Size, d.SHA256, d.Format, d.ContentType, incidentID, d.Name); err != nil {
		return fmt.Errorf("save transcript %s: %w", d.Name, err)
	}
	if d.Format == "json" { // the messages, for search (search_index.go)
		return indexTranscript(ctx, t.t.tx, incidentID, d.Name)
	}
	return nil
}

func (t *archiveTx) RecordCount(ctx context.Context, incidentID int64, c archive.Count, now time.Time) error {
	detail, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode completeness check: %w", err)
	}
	_, err = t.t.tx.ExecContext(ctx, `INSERT INTO transcript_counts (incident_id, archived, server, accounted, basis, detail, checked_at)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (incident_id) DO UPDATE SET archived = excluded.archived, server = excluded.server,
		accounted = excluded.accounted, basis = excluded.basis, detail = excluded.detail, checked_at = excluded.checked_at`,
		incidentID, c.Archived, c.Server, c.Accounted, c.Basis, string(detail), nanos(now))
	if err != nil {
		return fmt.Errorf("record completeness check: %w", err)
	}
	return nil
}

func (t *archiveTx) MarkPlaced(ctx context.Context, incidentID int64, name string, p archive.Placement, reason string, now time.Time) error {
	if p != archive.PlacementTicket && p != archive.PlacementLocal {
		return fmt.Errorf("record where %s went: %q is no placement", name, p)
	}
	_, err := t.t.tx.ExecContext(ctx, `UPDATE transcript_docs SET verified_at = ?, placement = ?, reason = ?
		WHERE incident_id = ? AND name = ? AND verified_at IS NULL`, nanos(now), string(p), reason, incidentID, name)
	if err != nil {
		return fmt.Errorf("record where %s went: %w", name, err)
	}
	return nil
}

// RecordedCount returns the completeness check the incident's transcript
// passed, or nil.
func (s *DB) RecordedCount(ctx context.Context, incidentID int64) (*archive.Count, error) {
	var detail string
	err := s.q().QueryRowContext(ctx, `SELECT detail FROM transcript_counts WHERE incident_id = ?`, incidentID).Scan(&detail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read completeness check: %w", err)
	}
	var c archive.Count
	if err := json.Unmarshal([]byte(detail), &c); err != nil {
		return nil, fmt.Errorf("decode completeness check: %w", err)
	}
	return &c, nil
}

// Documents returns the stored documents of an incident without content
// (Markdown, JSON, then the files by name); each opens as a stream that
// reads one chunk at a time.
func (s *DB) Documents(ctx context.Context, incidentID int64) ([]archive.Stored, error) {
	rows, err := s.q().QueryContext(ctx, `SELECT format, name, content_type, size, sha256, created_at, verified_at, placement, reason
		FROM transcript_docs WHERE incident_id = ?
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
		var placement string
		if err := rows.Scan(&d.Format, &d.Name, &d.ContentType, &d.Size, &d.SHA256, &created, &verified, &placement, &d.Reason); err != nil {
			return nil, err
		}
		d.CreatedAt, d.VerifiedAt, d.Placement = fromNanos(created), nullTime(verified), archive.Placement(placement)
		name := d.Name
		d.Open = func(ctx context.Context) (io.ReadCloser, error) {
			return &chunkReader{ctx: ctx, db: s.q(), incidentID: incidentID, name: name}, nil
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Transcripts returns the stored documents of an incident for the web UI:
// as Documents does, each opening as a stream, so that a download is copied
// chunk by chunk and never held whole in memory.
func (s *DB) Transcripts(ctx context.Context, incidentID int64) ([]archive.Stored, error) {
	return s.Documents(ctx, incidentID)
}

// chunkReader reads a stored document chunk by chunk, in seq order.
type chunkReader struct {
	ctx        context.Context
	db         q
	incidentID int64
	name       string
	seq        int
	buf        []byte
	done       bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.done {
			return 0, io.EOF
		}
		err := r.db.QueryRowContext(r.ctx, `SELECT content FROM transcript_chunks WHERE incident_id = ? AND name = ? AND seq = ?`,
			r.incidentID, r.name, r.seq).Scan(&r.buf)
		if errors.Is(err, sql.ErrNoRows) {
			r.done = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read %s chunk %d: %w", r.name, r.seq, err)
		}
		r.seq++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *chunkReader) Close() error { return nil }

var _ incident.Store = (*DB)(nil)
var _ incident.JobPruner = (*DB)(nil)
var _ incident.JobQueue = (*DB)(nil)
var _ archive.Store = (*DB)(nil)
