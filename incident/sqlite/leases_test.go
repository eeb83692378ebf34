package sqlite

import (
	"testing"

	"github.com/warroom/warroom/incident/storetest"
)

// TestLeases runs the incident.Leases rules of the store conformance suite
// on SQLite.
func TestLeases(t *testing.T) {
	storetest.RunLeases(t, openTest(t), nil)
}
