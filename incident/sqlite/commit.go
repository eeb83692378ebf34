package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
)

// maxBatch bounds how many updates share one commit.
const maxBatch = 64

// errClosed answers an update after Close.
var errClosed = errors.New("the database is closed")

// update is one Update or UpdateArchive waiting for the committer.
type update struct {
	ctx  context.Context
	fn   func(writer) error
	done chan error
}

// Group commit: one goroutine runs every Update. The updates that arrive
// while a transaction commits wait, and then run together in the next
// transaction, each under its own SAVEPOINT: one that fails is rolled back
// alone, and the rest commit at once. In a storm, fifty hook writes cost one
// commit (a commit was 40% of a notification's cost) instead of waiting for
// fifty in turn.
func (s *DB) startCommitter() {
	s.updates = make(chan update)
	s.quit = make(chan struct{})
	s.stopped = make(chan struct{})
	go func() {
		defer close(s.stopped)
		batch := make([]update, 0, maxBatch)
		for {
			select {
			case u := <-s.updates:
				batch = append(batch[:0], u)
			case <-s.quit:
				return
			}
		fill:
			for len(batch) < maxBatch {
				select {
				case u := <-s.updates:
					batch = append(batch, u)
				default:
					break fill
				}
			}
			s.runBatch(batch)
		}
	}()
}

func (s *DB) stopCommitter() {
	s.stop.Do(func() {
		close(s.quit)
		<-s.stopped
	})
}

// update hands fn to the committer and waits for its outcome. Once handed
// over, fn runs to the end of its transaction whatever happens to ctx: a
// statement cut off half way would roll back the whole batch.
func (s *DB) update(ctx context.Context, fn func(writer) error) error {
	u := update{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.waiting.Add(1)
	select {
	case s.updates <- u:
		s.waiting.Add(-1)
	case <-ctx.Done():
		s.waiting.Add(-1)
		return ctx.Err()
	case <-s.quit:
		s.waiting.Add(-1)
		return errClosed
	}
	return <-u.done
}

// runBatch runs the batch in one transaction and answers each update.
func (s *DB) runBatch(batch []update) {
	errs := make([]error, len(batch))
	var unprepared []string
	ctx := context.Background()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		w := writer{s: s, tx: tx, unprepared: &unprepared, ctx: ctx}
		if len(batch) == 1 {
			if errs[0] = batch[0].ctx.Err(); errs[0] != nil {
				return errs[0]
			}
			errs[0] = call(batch[0].fn, w)
			return errs[0]
		}
		for i, u := range batch {
			if errs[i] = u.ctx.Err(); errs[i] != nil {
				continue // its caller gave up before it started
			}
			if _, err := w.ExecContext(ctx, `SAVEPOINT batch_update`); err != nil {
				return err
			}
			if errs[i] = call(u.fn, w); errs[i] != nil {
				if _, err := w.ExecContext(ctx, `ROLLBACK TO batch_update`); err != nil {
					return fmt.Errorf("roll back a failed update: %w", err)
				}
			}
			if _, err := w.ExecContext(ctx, `RELEASE batch_update`); err != nil {
				return err
			}
		}
		return nil
	})
	for _, q := range unprepared {
		if _, perr := s.wstmt.get(ctx, s.db, q); perr != nil {
			break // prepared in the transaction again next time
		}
	}
	for i, u := range batch {
		if errs[i] == nil {
			errs[i] = err // it succeeded, but its transaction did not commit
		}
		u.done <- errs[i]
	}
}

// call runs fn, turning a panic into an error so that one bad update
// cannot take the committer (and every later write) down with it.
func call(fn func(writer) error, w writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("update panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return fn(w)
}
