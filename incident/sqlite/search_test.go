package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/incident/storetest"
)

// TestSearchConformance: the search rules on SQLite's FTS5 index.
func TestSearchConformance(t *testing.T) {
	storetest.RunSearch(t, func(t *testing.T, clock incident.Clock) storetest.SearchStore {
		return openFile(t, clock)
	})
}

// TestSearchIndexesAnOlderDatabase: a database from before migration
// 0010 is indexed whole by it (IndexPending), with its progress logged.
func TestSearchIndexesAnOlderDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := sqlite.Open(context.Background(), path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunIndexPending(t, db, func(t *testing.T) {
		db.Close()
		raw := rawOpen(t, path)
		defer raw.Close()
		for _, q := range []string{`DROP TABLE search_pending`, `DROP TABLE search_fts`, `DROP TABLE search_units`,
			`DROP TRIGGER incidents_search_ai`, `DROP TRIGGER incidents_search_au`, `DROP TRIGGER events_search_ai`,
			`DELETE FROM schema_migrations WHERE version = '0010_search'`} {
			if _, err := raw.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}, func(t *testing.T) storetest.IndexingStore {
		db, err := sqlite.Open(context.Background(), path, incident.SystemClock{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
