package sqlstore

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
)

// ChunkBytes is the most one chunk of a stored document holds.
const ChunkBytes = 256 << 10

// ArchiveWrites are the archive's writes in a transaction (archive.Tx
// but its timeline, postmortems and enqueue, which are the driver's).
type ArchiveWrites struct {
	Q Queryer // the transaction
}

// ClearTranscript deletes what was stored of the incident's transcript,
// its documents, chunks, check and search places.
func (w ArchiveWrites) ClearTranscript(ctx context.Context, incidentID int64) error {
	for _, stmt := range []string{`DELETE FROM transcript_chunks WHERE incident_id = ?`, `DELETE FROM transcript_docs WHERE incident_id = ?`,
		`DELETE FROM transcript_counts WHERE incident_id = ?`} {
		if _, err := w.Q.ExecContext(ctx, stmt, incidentID); err != nil {
			return fmt.Errorf("clear transcript: %w", err)
		}
	}
	return UnindexTranscript(ctx, w.Q, incidentID)
}

// WriteDocument stores content chunk by chunk, cutting Markdown at line
// ends, and then the document's row with the size and digest d holds once
// content is drained. A JSON transcript's messages are indexed for search.
func (w ArchiveWrites) WriteDocument(ctx context.Context, incidentID int64, d *archive.Document, content io.Reader, now time.Time) error {
	if _, err := w.Q.ExecContext(ctx, `INSERT INTO transcript_docs (incident_id, name, format, content_type, size, sha256, created_at)
		VALUES (?,?,?,?,0,'',?) ON CONFLICT (incident_id, name) DO NOTHING`, incidentID, d.Name, d.Format, d.ContentType, nanos(now)); err != nil {
		return fmt.Errorf("save transcript %s: %w", d.Name, err)
	}
	if _, err := w.Q.ExecContext(ctx, `DELETE FROM transcript_chunks WHERE incident_id = ? AND name = ?`, incidentID, d.Name); err != nil {
		return fmt.Errorf("save transcript %s: %w", d.Name, err)
	}
	buf := make([]byte, ChunkBytes)
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
		if _, err := w.Q.ExecContext(ctx, `INSERT INTO transcript_chunks (incident_id, name, seq, format, content) VALUES (?,?,?,?,?)`,
			incidentID, d.Name, seq, d.Format, buf[:cut]); err != nil {
			return fmt.Errorf("save transcript %s: %w", d.Name, err)
		}
		seq++
		fill = copy(buf, buf[cut:fill])
	}
	if _, err := w.Q.ExecContext(ctx, `UPDATE transcript_docs SET size = ?, sha256 = ?, format = ?, content_type = ?,
		verified_at = NULL, placement = '', reason = '' WHERE incident_id = ? AND name = ?`,
		d.Size, d.SHA256, d.Format, d.ContentType, incidentID, d.Name); err != nil {
		return fmt.Errorf("save transcript %s: %w", d.Name, err)
	}
	if d.Format == "json" { // the messages, for search
		return IndexTranscript(ctx, w.Q, incidentID, d.Name)
	}
	return nil
}

// RecordCount stores the completeness check the transcript passed.
func (w ArchiveWrites) RecordCount(ctx context.Context, incidentID int64, c archive.Count, now time.Time) error {
	detail, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode completeness check: %w", err)
	}
	_, err = w.Q.ExecContext(ctx, `INSERT INTO transcript_counts (incident_id, archived, server, accounted, basis, detail, checked_at)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (incident_id) DO UPDATE SET archived = excluded.archived, server = excluded.server,
		accounted = excluded.accounted, basis = excluded.basis, detail = excluded.detail, checked_at = excluded.checked_at`,
		incidentID, c.Archived, c.Server, c.Accounted, c.Basis, string(detail), nanos(now))
	if err != nil {
		return fmt.Errorf("record completeness check: %w", err)
	}
	return nil
}

// MarkPlaced records where a verified document went, once.
func (w ArchiveWrites) MarkPlaced(ctx context.Context, incidentID int64, name string, p archive.Placement, reason string, now time.Time) error {
	if p != archive.PlacementTicket && p != archive.PlacementLocal {
		return fmt.Errorf("record where %s went: %q is no placement", name, p)
	}
	_, err := w.Q.ExecContext(ctx, `UPDATE transcript_docs SET verified_at = ?, placement = ?, reason = ?
		WHERE incident_id = ? AND name = ? AND verified_at IS NULL`, nanos(now), string(p), reason, incidentID, name)
	if err != nil {
		return fmt.Errorf("record where %s went: %w", name, err)
	}
	return nil
}

// RecordedCount returns the completeness check the incident's transcript
// passed, or nil.
func RecordedCount(ctx context.Context, q Queryer, incidentID int64) (*archive.Count, error) {
	var detail string
	err := q.QueryRowContext(ctx, `SELECT detail FROM transcript_counts WHERE incident_id = ?`, incidentID).Scan(&detail)
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
// reads one chunk at a time through chunks.
func Documents(ctx context.Context, q, chunks Queryer, incidentID int64) ([]archive.Stored, error) {
	rows, err := q.QueryContext(ctx, `SELECT format, name, content_type, size, sha256, created_at, verified_at, placement, reason
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
			return io.NopCloser(NewChunkReader(ctx, chunks, incidentID, name)), nil
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// NewChunkReader reads a stored document's chunks through q, in seq order,
// one at a time.
func NewChunkReader(ctx context.Context, q Queryer, incidentID int64, name string) io.Reader {
	return &chunkReader{ctx: ctx, q: q, incidentID: incidentID, name: name}
}

type chunkReader struct {
	ctx        context.Context
	q          Queryer
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
		err := r.q.QueryRowContext(r.ctx, `SELECT content FROM transcript_chunks WHERE incident_id = ? AND name = ? AND seq = ?`,
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

// IndexTranscript replaces the incident's transcript places in the search
// index (search_units, on both drivers) with the messages of its stored
// JSON transcript, name, read back chunk by chunk through q. The other
// places (title, summary, labels, timeline) are the triggers' to keep.
func IndexTranscript(ctx context.Context, q Queryer, incidentID int64, name string) error {
	if err := UnindexTranscript(ctx, q, incidentID); err != nil {
		return err
	}
	err := archive.EachMessage(NewChunkReader(ctx, q, incidentID, name), func(m archive.Message) error {
		if m.Text == "" || m.ID == "" {
			return nil
		}
		_, err := q.ExecContext(ctx, `INSERT INTO search_units (incident_id, field, ref, body) VALUES (?, 'transcript', ?, ?)`,
			incidentID, m.ID, m.Text)
		return err
	})
	if err != nil {
		return fmt.Errorf("index transcript %s: %w", name, err)
	}
	return nil
}

// UnindexTranscript forgets the incident's transcript places.
func UnindexTranscript(ctx context.Context, q Queryer, incidentID int64) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM search_units WHERE incident_id = ? AND field = 'transcript'`, incidentID); err != nil {
		return fmt.Errorf("unindex transcript: %w", err)
	}
	return nil
}
