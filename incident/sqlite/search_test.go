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
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), clock)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
