package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestFenceConformance: the fencing rule of Store.Update on PostgreSQL,
// the lease taken over through a second store of the same database, as
// by another replica.
func TestFenceConformance(t *testing.T) {
	dsn := pgtest.Database(t)
	clock := &storetest.Clock{}
	storetest.RunFence(t, openDSN(t, dsn, clock), openDSN(t, dsn, clock), clock)
}
