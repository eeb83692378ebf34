package sqlite_test

import (
	"testing"

	"github.com/warroom/warroom/incident/storetest"
)

// TestActionRunsConformance runs the rules of action runs on SQLite.
func TestActionRunsConformance(t *testing.T) {
	storetest.RunActions(t, sqliteDriver)
}
