package postgres_test

import (
	"testing"

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
// 0008 is indexed whole by it (IndexPending), with its progress logged.
func TestSearchIndexesAnOlderDatabase(t *testing.T) {
	dsn := pgtest.Database(t)
	db := openDSN(t, dsn, incident.SystemClock{})
	storetest.RunIndexPending(t, db, func(t *testing.T) {
		db.Close()
		raw := rawOpen(t, dsn)
		for _, q := range []string{`DROP TABLE search_pending`, `DROP TABLE search_units`,
			`DROP FUNCTION search_index_incident CASCADE`, `DROP FUNCTION search_index_event CASCADE`,
			`DELETE FROM schema_migrations WHERE version = '0008_search'`} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}, func(t *testing.T) storetest.IndexingStore { return openDSN(t, dsn, incident.SystemClock{}) })
}
