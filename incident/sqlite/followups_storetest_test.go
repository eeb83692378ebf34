package sqlite_test

import (
	"testing"

	"github.com/warroom/warroom/incident/storetest"
)

// TestFollowupsConformance runs the rules of follow-ups on SQLite.
func TestFollowupsConformance(t *testing.T) {
	storetest.RunFollowups(t, sqliteDriver)
}
