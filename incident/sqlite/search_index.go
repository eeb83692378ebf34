package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// The search index (migration 0010): triggers keep the title, summary,
// labels and timeline places current; the transcript's messages are
// indexed by the shared core (sqlstore.IndexTranscript) when the JSON
// transcript is written, in its transaction. Here: the older databases.

// indexBatch is how many incidents one transaction of IndexPending indexes.
const indexBatch = 200

// IndexPending indexes for search the incidents this database held before
// the search index came (migration 0010 lists them in search_pending), a
// batch of incidents per transaction, and logs its progress. It resumes
// where it stopped after a crash; with nothing pending it returns at once.
// serve calls it after opening the store, before it answers searches.
func (s *DB) IndexPending(ctx context.Context, log *slog.Logger) error {
	var total int
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM search_pending`).Scan(&total); err != nil {
		return fmt.Errorf("count incidents to index: %w", err)
	}
	if total == 0 {
		return nil
	}
	log.Info("search index: indexing the incidents stored before it", "incidents", total)
	done := 0
	for {
		var n int
		err := s.update(ctx, func(w writer) error {
			ids, err := pendingBatch(ctx, w)
			if err != nil {
				return err
			}
			n = len(ids)
			for _, id := range ids {
				if err := reindexIncident(ctx, w, id); err != nil {
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

// ReindexAll marks every incident for IndexPending to index anew (after a
// copy of the tables from another store, or to repair the index).
func (s *DB) ReindexAll(ctx context.Context) error {
	return s.update(ctx, func(w writer) error {
		_, err := w.ExecContext(ctx, `INSERT OR IGNORE INTO search_pending (incident_id) SELECT id FROM incidents`)
		return err
	})
}

func pendingBatch(ctx context.Context, w writer) ([]int64, error) {
	rows, err := w.QueryContext(ctx, `SELECT incident_id FROM search_pending ORDER BY incident_id LIMIT ?`, indexBatch)
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
func reindexIncident(ctx context.Context, w writer, id int64) error {
	for _, q := range []string{
		`DELETE FROM search_units WHERE incident_id = ?`,
		`INSERT INTO search_units (incident_id, field, body) SELECT id, 'title', 'INC-' || id || ' ' || title FROM incidents WHERE id = ?`,
		`INSERT INTO search_units (incident_id, field, body) SELECT id, 'summary', summary FROM incidents WHERE id = ? AND summary <> ''`,
		`INSERT INTO search_units (incident_id, field, body) SELECT i.id, 'labels', group_concat(j.key || '=' || j.value, ' ')
			FROM incidents i, json_each(i.labels) j WHERE i.id = ? GROUP BY i.id`,
		`INSERT INTO search_units (incident_id, field, ref, body) SELECT incident_id, 'timeline', id, text FROM events
			WHERE incident_id = ? AND text <> '' ORDER BY id`,
	} {
		if _, err := w.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	var name string
	err := w.QueryRowContext(ctx, `SELECT name FROM transcript_docs WHERE incident_id = ? AND format = 'json' ORDER BY name LIMIT 1`, id).Scan(&name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		if err := sqlstore.IndexTranscript(ctx, w, id, name); err != nil {
			return err
		}
	}
	_, err = w.ExecContext(ctx, `DELETE FROM search_pending WHERE incident_id = ?`, id)
	return err
}
