package sqlite_test

import (
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/storetest"
)

// TestIdempotencyConformance runs the Idempotency-Key store's rules on
// SQLite (one process: no replica).
func TestIdempotencyConformance(t *testing.T) {
	storetest.RunIdempotency(t, storetest.IdempotencyDriver{
		Open: func(t *testing.T) incident.IdempotencyStore { return openFile(t, &storetest.Clock{}) },
	})
}
