package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestSearchConformance: the search rules on PostgreSQL's tsvector index.
func TestSearchConformance(t *testing.T) {
	storetest.RunSearch(t, func(t *testing.T, clock incident.Clock) storetest.SearchStore {
		return openDSN(t, pgtest.Database(t), clock)
	})
}

// TestSearchIndexesAnOlderDatabase: a database from before migration
// 0008 (and 0019, which folds its accents) is indexed whole by them
// (IndexPending), with its progress logged.
func TestSearchIndexesAnOlderDatabase(t *testing.T) {
	dsn := pgtest.Database(t)
	db := openDSN(t, dsn, incident.SystemClock{})
	storetest.RunIndexPending(t, db, func(t *testing.T) {
		db.Close()
		raw := rawOpen(t, dsn)
		for _, q := range []string{`DROP TABLE search_pending`, `DROP TABLE search_units`, `DROP TABLE search_queue`,
			`DROP FUNCTION search_index_incident CASCADE`, `DROP FUNCTION search_index_event CASCADE`,
			`DROP FUNCTION search_text`, `DROP FUNCTION search_fold`,
			`DELETE FROM schema_migrations WHERE version IN ('0008_search', '0019_search_unaccent', '0020_search_triggers', '0021_search_queue')`} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}, func(t *testing.T) storetest.IndexingStore { return openDSN(t, dsn, incident.SystemClock{}) })
}

// TestSearchUnaccentRederivesStoredRows: migration 0019 folds the accents
// of the places stored before it, not only of those written after: a
// database whose index is as 0008 made it (tsv without unaccent, 0019 not
// applied) finds café by cafe once reopened.
func TestSearchUnaccentRederivesStoredRows(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Database(t)
	db := openDSN(t, dsn, incident.SystemClock{})
	err := db.Update(ctx, func(tx incident.Tx) error {
		return tx.CreateIncident(ctx, &incident.Incident{Title: "Le café est fermé", Severity: incident.SeverityHigh,
			Status: incident.StatusOpen, Source: "alertmanager", CreatedAt: time.Now(), UpdatedAt: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.IndexQueued(ctx); err != nil || n != 1 {
		t.Fatalf("IndexQueued: %d, %v; want the new incident's 1 queued row", n, err)
	}
	db.Close()
	raw := rawOpen(t, dsn)
	for _, q := range []string{`DROP INDEX search_units_tsv`, `ALTER TABLE search_units DROP COLUMN tsv`,
		`ALTER TABLE search_units ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(body, '[[:punct:][:space:]]+', ' ', 'g'))) STORED`,
		`DROP FUNCTION search_text`, `DROP FUNCTION search_fold`,
		`DELETE FROM schema_migrations WHERE version = '0019_search_unaccent'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM search_units WHERE tsv @@ to_tsquery('simple', 'cafe')`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("before 0019: %d places hold cafe (%v); want 0", n, err)
	}
	db = openDSN(t, dsn, incident.SystemClock{})
	terms, err := incident.ParseSearch("cafe")
	if err != nil {
		t.Fatal(err)
	}
	hits, err := db.Search(ctx, incident.SearchQuery{Terms: terms})
	if err != nil || len(hits) != 1 || hits[0].Field != incident.FieldTitle {
		t.Fatalf("cafe after 0019: %+v, %v; want the title", hits, err)
	}
}
