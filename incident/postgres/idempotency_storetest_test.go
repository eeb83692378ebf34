package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestIdempotencyConformance runs the Idempotency-Key store's rules on
// PostgreSQL, the reservations racing through three replicas.
func TestIdempotencyConformance(t *testing.T) {
	storetest.RunIdempotency(t, storetest.IdempotencyDriver{
		Open: func(t *testing.T) incident.IdempotencyStore {
			return openDSN(t, pgtest.Database(t), &storetest.Clock{})
		},
		Replica: func(t *testing.T, of incident.IdempotencyStore) incident.IdempotencyStore {
			dsn, ok := dsns.Load(of)
			if !ok {
				t.Fatal("replica of a store the test did not open")
			}
			return openDSN(t, dsn.(string), &storetest.Clock{})
		},
	})
}
