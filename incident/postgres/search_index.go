package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// The search index (migration 0008): triggers keep the title, summary,
// labels and timeline places current; the transcript's messages are
// indexed by the shared core (sqlstore.IndexTranscript) when the JSON
// transcript is written, in its transaction. Here: the older databases.

// indexBatch is how many incidents one transaction of IndexPending indexes.
const indexBatch = 200

// IndexPending indexes for search the incidents this database held before
// the search index came (migration 0008 lists them in search_pending), a
// batch per transaction, and logs its progress. Replicas starting at once
// share the work (each batch's rows are taken with SKIP LOCKED); a crash
// resumes where it stopped. With nothing pending it returns at once.
func (s *DB) IndexPending(ctx context.Context, log *slog.Logger) error {
	var total int
	if err := s.q().QueryRowContext(ctx, `SELECT count(*) FROM search_pending`).Scan(&total); err != nil {
		return fmt.Errorf("count incidents to index: %w", err)
	}
	if total == 0 {
		return nil
	}
	log.Info("search index: indexing the incidents stored before it", "incidents", total)
	done := 0
	for {
		var n int
		err := s.tx(ctx, func(tx q) error {
			// The queue's writer (search_queue.go) writes the same places:
			// the two take turns, or both could write an incident's title.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(searchQueueLock)); err != nil {
				return err
			}
			ids, err := pendingBatch(ctx, tx)
			if err != nil {
				return err
			}
			n = len(ids)
			for _, id := range ids {
				if err := reindexIncident(ctx, tx, id); err != nil {
					return fmt.Errorf("index %s: %w", incident.FormatKey(id), err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		if n == 0 {
			break
		}
		done += n
		log.Info("search index: progress", "indexed", done, "of", total)
	}
	log.Info("search index: every incident indexed", "incidents", done)
	return nil
}

// ReindexAll marks every incident for IndexPending to index anew: after
// a store copy (the search tables are derived: copy the incidents, events
// and transcripts, then call this and IndexPending), or to repair the
// index.
func (s *DB) ReindexAll(ctx context.Context) error {
	_, err := s.q().ExecContext(ctx, `INSERT INTO search_pending (incident_id) SELECT id FROM incidents ON CONFLICT DO NOTHING`)
	if err != nil {
		return fmt.Errorf("mark incidents for indexing: %w", err)
	}
	return nil
}

func pendingBatch(ctx context.Context, tx q) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT incident_id FROM search_pending ORDER BY incident_id LIMIT ? FOR UPDATE SKIP LOCKED`, indexBatch)
	if err != nil {
		return nil, fmt.Errorf("read incidents to index: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// reindexIncident builds every place of one incident anew (the same rows
// the triggers write) and takes it off search_pending.
func reindexIncident(ctx context.Context, tx q, id int64) error {
	for _, stmt := range []string{
		`DELETE FROM search_units WHERE incident_id = ?`,
		`INSERT INTO search_units (incident_id, field, body) SELECT id, 'title', 'INC-' || id || ' ' || title FROM incidents WHERE id = ?`,
		`INSERT INTO search_units (incident_id, field, body) SELECT id, 'summary', summary FROM incidents WHERE id = ? AND summary <> ''`,
		`INSERT INTO search_units (incident_id, field, body) SELECT i.id, 'labels', string_agg(j.key || '=' || j.value, ' ' ORDER BY j.key)
			FROM incidents i, jsonb_each_text(i.labels::jsonb) j WHERE i.id = ? GROUP BY i.id`,
		`INSERT INTO search_units (incident_id, field, ref, body) SELECT incident_id, 'timeline', id::text, text FROM events
			WHERE incident_id = ? AND text <> '' ORDER BY id`,
	} {
		if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
			return err
		}
	}
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM transcript_docs WHERE incident_id = ? AND format = 'json' ORDER BY name LIMIT 1`, id).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		if err := sqlstore.IndexTranscript(ctx, tx, id, name); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM search_pending WHERE incident_id = ?`, id)
	return err
}
