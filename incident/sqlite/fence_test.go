package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident/storetest"
)

// TestFence runs the fencing rule of Store.Update (incident.WithFence) of
// the store conformance suite on SQLite.
func TestFence(t *testing.T) {
	clock := &storetest.Clock{}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	storetest.RunFence(t, db, db, clock)
}
