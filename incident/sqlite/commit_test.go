package sqlite

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// TestGroupCommitIsolatesUpdates piles 40 updates up behind a blocked one so
// that they share one transaction, and checks that each commits or rolls
// back alone: a failing one, a panicking one and one that conflicts with a
// batch mate leave nothing behind, and every other one is stored.
func TestGroupCommitIsolatesUpdates(t *testing.T) {
	ctx := context.Background()
	db := openLive(t)
	var mu sync.Mutex
	savepoints := 0
	db.trace = func(q string, _ []any) {
		if strings.HasPrefix(q, "SAVEPOINT") {
			mu.Lock()
			savepoints++
			mu.Unlock()
		}
	}
	create := func(key string, then func() error) error {
		return db.Update(ctx, func(tx incident.Tx) error {
			now := time.Now().UTC()
			inc := &incident.Incident{Title: key, Severity: incident.SeverityHigh, Status: incident.StatusOpen,
				Source: "test", DedupKey: key, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			return then()
		})
	}
	release, started := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() { first <- create("blocker", func() error { close(started); <-release; return nil }) }()
	<-started
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("k%d", i)
			switch {
			case i%5 == 1:
				errs[i] = create(key, func() error { return errors.New("refused") })
			case i == 2:
				errs[i] = create(key, func() error { panic("bug") })
			case i == 3:
				errs[i] = create("k0", func() error { return nil }) // k0's dedup key again
			default:
				errs[i] = create(key, func() error { return nil })
			}
		})
	}
	for db.waiting.Load() != n {
		runtime.Gosched() // until all 40 wait behind the blocker
	}
	close(release)
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	list, err := db.Incidents(ctx, incident.Filter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range list {
		stored[inc.DedupKey] = true
	}
	for i, err := range errs {
		if i == 0 || i == 3 {
			continue // k0 twice: whichever the committer took first wins
		}
		key := fmt.Sprintf("k%d", i)
		wantErr := i%5 == 1 || i == 2
		if (err != nil) != wantErr {
			t.Errorf("update %d: err %v, want error %v", i, err, wantErr)
		}
		if stored[key] == wantErr {
			t.Errorf("update %d: stored %v, want %v", i, stored[key], !wantErr)
		}
	}
	won, lost := errs[0], errs[3]
	if won != nil {
		won, lost = lost, won
	}
	if won != nil || incident.ErrorKind(lost) != incident.KindConflict || !stored["k0"] {
		t.Errorf("two updates with dedup key k0: %v and %v, want one stored and one conflict", errs[0], errs[3])
	}
	if len(stored) != 1+n-8-1-1 { // the blocker, minus 8 refused, the panic and the duplicate
		t.Errorf("%d incidents stored, want %d", len(stored), 1+n-8-1-1)
	}
	if savepoints < n/2 {
		t.Errorf("%d savepoints for %d updates: they did not share a transaction", savepoints, n)
	}
}

// TestUpdateAfterClose: an update after Close is an error, not a hang.
func TestUpdateAfterClose(t *testing.T) {
	db := openLive(t)
	db.Close()
	err := db.Update(context.Background(), func(incident.Tx) error { return nil })
	if !errors.Is(err, errClosed) {
		t.Fatalf("Update after Close: %v, want %v", err, errClosed)
	}
}
