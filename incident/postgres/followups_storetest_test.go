package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestFollowupsConformance runs the rules of follow-ups on PostgreSQL.
func TestFollowupsConformance(t *testing.T) {
	storetest.RunFollowups(t, storetest.Driver{
		Open: func(t *testing.T, clock incident.Clock) storetest.Store {
			return openDSN(t, pgtest.Database(t), clock)
		},
	})
}
