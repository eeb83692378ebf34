package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/incident"
)

// TestLockedByAnotherProcessIsTransient: when another process holds the
// write lock past the busy timeout (here a second handle with no timeout),
// the error is transient (a hook answers 503 and its sender retries), and
// any other database error stays internal.
func TestLockedByAnotherProcessIsTransient(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	db := func() *sql.DB {
		d, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	holder, other := db(), db()
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = other.BeginTx(ctx, nil)
	if err == nil {
		t.Fatal("a second writer got in beside the first")
	}
	if got := storeError("begin", err); incident.ErrorKind(got) != incident.KindTransient || !errors.Is(got, err) {
		t.Errorf("busy: %v (kind %s), want a transient error wrapping it", got, incident.ErrorKind(got))
	}
	if got := storeError("commit", errors.New("disk I/O error")); incident.ErrorKind(got) != incident.KindInternal {
		t.Errorf("I/O error: kind %s, want internal", incident.ErrorKind(got))
	}
}
