package sqlite

import (
	"context"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// UpdateArchive runs fn in one write transaction, in the group commit as
// Update does.
func (s *DB) UpdateArchive(ctx context.Context, fn func(archive.Tx) error) error {
	return s.update(ctx, func(w writer) error {
		return fn(&archiveTx{ArchiveWrites: sqlstore.ArchiveWrites{Q: w}, t: txStore{tx: w, clock: s.clock}})
	})
}

// archiveTx implements archive.Tx: the transcript's writes are the shared
// core's (sqlstore.ArchiveWrites). It keeps the incident transaction
// unexported: the archive reaches the timeline only through the Service
// (Timeline), and nothing else of incident.Tx.
type archiveTx struct {
	sqlstore.ArchiveWrites
	t txStore
}

// Timeline hands the transaction's event writes to the Service.
func (t *archiveTx) Timeline() incident.ArchiveTx { return incident.NewArchiveTx(&t.t) }

// Postmortems is the transaction's writes of postmortems.
func (t *archiveTx) Postmortems() incident.PostmortemTx { return &t.t }

func (t *archiveTx) Enqueue(ctx context.Context, j incident.Job) error { return t.t.Enqueue(ctx, j) }

// RecordedCount returns the completeness check the incident's transcript
// passed, or nil.
func (s *DB) RecordedCount(ctx context.Context, incidentID int64) (*archive.Count, error) {
	return sqlstore.RecordedCount(ctx, reader{s}, incidentID)
}

// Documents returns the stored documents of an incident without content
// (Markdown, JSON, then the files by name); each opens as a stream that
// reads one chunk at a time.
func (s *DB) Documents(ctx context.Context, incidentID int64) ([]archive.Stored, error) {
	return sqlstore.Documents(ctx, reader{s}, s.rdb, incidentID)
}

// Transcripts returns the stored documents of an incident for the web UI:
// as Documents does, each opening as a stream, so that a download is copied
// chunk by chunk and never held whole in memory.
func (s *DB) Transcripts(ctx context.Context, incidentID int64) ([]archive.Stored, error) {
	return s.Documents(ctx, incidentID)
}

var _ incident.Store = (*DB)(nil)
var _ incident.JobQueue = (*DB)(nil)
var _ archive.Store = (*DB)(nil)
