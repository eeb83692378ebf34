package postgres_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dsns remembers the database of each store opened, for its replicas.
var dsns sync.Map

func openDSN(t testing.TB, dsn string, clock incident.Clock) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dsns.Store(db, dsn)
	return db
}

// TestStoreConformance runs the store conformance suite on PostgreSQL,
// each test on a fresh database; the claim tests claim through three
// stores on one database, as three replicas do.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, storetest.Driver{
		Open: func(t *testing.T, clock incident.Clock) storetest.Store {
			return openDSN(t, pgtest.Database(t), clock)
		},
		Replica: func(t *testing.T, of storetest.Store, clock incident.Clock) storetest.Store {
			dsn, ok := dsns.Load(of)
			if !ok {
				t.Fatal("replica of a store the test did not open")
			}
			return openDSN(t, dsn.(string), clock)
		},
	})
}

// TestSessionsConformance: sessions on PostgreSQL, made through one
// replica and read through another.
func TestSessionsConformance(t *testing.T) {
	dsn := pgtest.Database(t)
	clock := &storetest.Clock{}
	storetest.RunSessions(t, openDSN(t, dsn, clock), openDSN(t, dsn, clock))
}

// TestStatsConformance: the reports' queries on PostgreSQL.
func TestStatsConformance(t *testing.T) {
	storetest.RunStats(t, func(t *testing.T, clock incident.Clock) storetest.StatsStore {
		return openDSN(t, pgtest.Database(t), clock)
	})
}

// TestArchiveConformance: the archive store's rules on PostgreSQL.
func TestArchiveConformance(t *testing.T) {
	storetest.RunArchive(t, func(t *testing.T, clock incident.Clock) storetest.ArchiveStore {
		return openDSN(t, pgtest.Database(t), clock)
	})
}

// TestLeasesConformance: the singletons' leases on PostgreSQL, taken
// through one replica and refused through another.
func TestLeasesConformance(t *testing.T) {
	dsn := pgtest.Database(t)
	clock := &storetest.Clock{}
	storetest.RunLeases(t, openDSN(t, dsn, clock), openDSN(t, dsn, clock))
}
