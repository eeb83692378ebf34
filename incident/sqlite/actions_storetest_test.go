package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/incident/storetest"
)

// TestActionRunsConformance runs the rules of action runs on SQLite.
func TestActionRunsConformance(t *testing.T) {
	storetest.RunActions(t, storetest.Driver{
		Open: func(t *testing.T, clock incident.Clock) storetest.Store {
			db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), clock)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		},
	})
}
