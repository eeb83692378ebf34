package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestActionRunsConformance runs the rules of action runs on PostgreSQL,
// the exclusive start over three stores of one database, as replicas.
func TestActionRunsConformance(t *testing.T) {
	storetest.RunActions(t, storetest.Driver{
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
