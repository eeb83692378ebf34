package postgres

import (
	"context"
	"fmt"
)

// The search index after the commit (migration 0021): the triggers queue
// each new or changed incident and each event with text in search_queue;
// IndexQueued writes their places into search_units. One replica at a time
// does (an advisory lock), so that two never write the same incident's
// places at once; Search indexes what is queued before it reads, so it
// finds everything committed before it.

// searchQueueLock is the advisory lock key of the search queue's writer
// ("wr searc" in ASCII).
const searchQueueLock = 0x77722073_65617263

// searchQueueBatch is how many queued rows one transaction of IndexQueued
// takes: a storm's thousand incidents are a few transactions.
const searchQueueBatch = 1000

// Statements of one batch; ? is the batch's incident ids (the title,
// summary and labels to write anew) or event ids (the timeline places).
const (
	// The batch's ids are an array looked up one by one in the primary
	// key: as IN (SELECT …), a generic plan made while the queue was
	// empty hashed the whole queue for each batch (plans_test.go).
	searchQueueTake = `DELETE FROM search_queue WHERE id = ANY(ARRAY(SELECT id FROM search_queue WHERE id <= ? ORDER BY id LIMIT ?))
		RETURNING incident_id, coalesce(event_id, 0)`
	searchQueueClear  = `DELETE FROM search_units WHERE incident_id = ANY(?::bigint[]) AND field IN ('title', 'summary', 'labels')`
	searchQueuePlaces = `INSERT INTO search_units (incident_id, field, body)
		SELECT p.id, p.field, p.body FROM (
			SELECT id, 1 AS n, 'title' AS field, 'INC-' || id || ' ' || title AS body FROM incidents WHERE id = ANY(?::bigint[])
			UNION ALL
			SELECT id, 2, 'summary', summary FROM incidents WHERE id = ANY(?::bigint[]) AND summary <> ''
			UNION ALL
			SELECT i.id, 3, 'labels', string_agg(j.key || '=' || j.value, ' ' ORDER BY j.key)
				FROM incidents i, jsonb_each_text(i.labels::jsonb) j WHERE i.id = ANY(?::bigint[]) GROUP BY i.id
		) p ORDER BY p.id, p.n`
	// An event already in the index (IndexPending rebuilt its incident
	// while it was queued) is not written twice.
	searchQueueTimeline = `INSERT INTO search_units (incident_id, field, ref, body)
		SELECT e.incident_id, 'timeline', e.id::text, e.text FROM events e
		WHERE e.id = ANY(?::bigint[]) AND e.text <> '' AND NOT EXISTS (SELECT 1 FROM search_units u
			WHERE u.incident_id = e.incident_id AND u.field = 'timeline' AND u.ref = e.id::text)
		ORDER BY e.id`
)

// IndexQueued writes the places of up to a batch of the queued changes
// and returns how many it took: 0 when the queue is empty, or when
// another replica is writing it (the job runner calls it after a burst of
// alerts and when idle; the next call does the rest).
func (s *DB) IndexQueued(ctx context.Context) (int, error) {
	upto, err := s.searchQueueEnd(ctx)
	if err != nil || upto == 0 {
		return 0, err
	}
	return s.indexQueued(ctx, false, upto)
}

// searchQueueEnd is the id of the newest queued row, 0 when none is.
func (s *DB) searchQueueEnd(ctx context.Context) (int64, error) {
	var upto int64
	if err := s.q().QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM search_queue`).Scan(&upto); err != nil {
		return 0, storeError("read the search queue", err)
	}
	return upto, nil
}

// indexQueued writes a batch of the queued rows up to id upto. With wait,
// it waits for the batch another replica is writing to commit first;
// without, it takes nothing while one is.
func (s *DB) indexQueued(ctx context.Context, wait bool, upto int64) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx q) error {
		if wait {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(searchQueueLock)); err != nil {
				return err
			}
		} else {
			var got bool
			if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(?)`, int64(searchQueueLock)).Scan(&got); err != nil || !got {
				return err
			}
		}
		incidents, events, err := takeSearchQueue(ctx, tx, upto)
		if err != nil {
			return err
		}
		n = len(incidents) + len(events)
		if len(incidents) > 0 {
			if _, err := tx.ExecContext(ctx, searchQueueClear, incidents); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, searchQueuePlaces, incidents, incidents, incidents); err != nil {
				return err
			}
		}
		if len(events) > 0 {
			if _, err := tx.ExecContext(ctx, searchQueueTimeline, events); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, storeError("write the queued search places", err)
	}
	return n, nil
}

// takeSearchQueue takes a batch off the queue: the incidents whose own
// places to write anew (each once) and the events whose timeline places
// to write.
func takeSearchQueue(ctx context.Context, tx q, upto int64) (incidents, events []int64, err error) {
	rows, err := tx.QueryContext(ctx, searchQueueTake, upto, searchQueueBatch)
	if err != nil {
		return nil, nil, fmt.Errorf("take the search queue: %w", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var inc, ev int64
		if err := rows.Scan(&inc, &ev); err != nil {
			return nil, nil, err
		}
		switch {
		case ev != 0:
			events = append(events, ev)
		case !seen[inc]:
			seen[inc] = true
			incidents = append(incidents, inc)
		}
	}
	return incidents, events, rows.Err()
}

// indexQueuedAll writes the places queued before a search reads the
// index: every row queued when it starts (a storm's rows queued after it
// are left for later, so a search during one ends), waiting for another
// replica's batch in progress.
func (s *DB) indexQueuedAll(ctx context.Context) error {
	upto, err := s.searchQueueEnd(ctx)
	for err == nil && upto > 0 {
		var n int
		if n, err = s.indexQueued(ctx, true, upto); n == 0 {
			break
		}
	}
	return err
}

// SearchQueued counts the changes queued for the search index and not
// yet written (the metric warroom_search_queued).
func (s *DB) SearchQueued(ctx context.Context) (int, error) {
	var n int
	if err := s.q().QueryRowContext(ctx, `SELECT count(*) FROM search_queue`).Scan(&n); err != nil {
		return 0, storeError("count the search queue", err)
	}
	return n, nil
}
