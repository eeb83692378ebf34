package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/incident/storetest"
)

// sqliteDriver opens each conformance test's store on a file of its own.
var sqliteDriver = storetest.Driver{Open: func(t *testing.T, clock incident.Clock) storetest.Store { return openFile(t, clock) }}

// openFile opens a store on a new file in the test's directory, closed
// with the test.
func openFile(t *testing.T, clock incident.Clock) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStoreConformance runs the store conformance suite on SQLite. It has
// no replicas: one warroom process uses a SQLite file.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, sqliteDriver)
}

// TestSessionsConformance: the session rules on SQLite (one process, no replica).
func TestSessionsConformance(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.RunSessions(t, db, nil)
}

// TestStatsConformance: the reports' queries on SQLite.
func TestStatsConformance(t *testing.T) {
	storetest.RunStats(t, func(t *testing.T, clock incident.Clock) storetest.StatsStore {
		return openFile(t, clock)
	})
}

// TestArchiveConformance: the archive store's rules on SQLite.
func TestArchiveConformance(t *testing.T) {
	storetest.RunArchive(t, func(t *testing.T, clock incident.Clock) storetest.ArchiveStore {
		return openFile(t, clock)
	})
}
