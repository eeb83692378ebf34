package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
)

// stmtCache keeps each statement prepared once per handle, by its SQL text:
// preparing the same SQL again on every call cost the hook path a sixth of
// its time.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// prepares counts preparations, for the test that each happens once.
	prepares atomic.Int64
}

// lookup returns the statement for query if it is prepared.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[query]
}

// get returns the statement for query, preparing it on db the first time.
// It prepares without holding the lock: preparing on the writer waits for
// its one connection, which a transaction that looks up the cache may hold.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if st := c.lookup(query); st != nil {
		return st, nil
	}
	c.prepares.Add(1)
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.m[query]; ok {
		st.Close()
		return have, nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// reader runs prepared statements on the read-only pool.
type reader struct{ s *DB }

func (r reader) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	r.s.traced(query, args)
	st, err := r.s.rstmt.get(ctx, r.s.rdb, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (r reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.s.traced(query, args)
	st, err := r.s.rstmt.get(ctx, r.s.rdb, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (r reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r.s.traced(query, args)
	st, err := r.s.rstmt.get(ctx, r.s.rdb, query)
	if err != nil {
		// sql.Row cannot carry an error of ours; the unprepared query
		// reports the same problem when scanned.
		return r.s.rdb.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// writer runs statements inside a write transaction, each prepared once
// on the writer connection.
type writer struct {
	s  *DB
	tx *sql.Tx
	// unprepared lists the queries this transaction met that are not in
	// the cache yet. They cannot be prepared on s.db now (the transaction
	// holds its one connection), so they are prepared when it ends.
	unprepared *[]string
	// ctx, when set, replaces the callers' contexts: in a group commit a
	// statement interrupted by one caller's cancellation would roll back
	// every update of the batch.
	ctx context.Context
}

func (w writer) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	ctx = w.context(ctx)
	if st := w.s.wstmt.lookup(query); st != nil {
		// Already prepared on the one writer connection: this binds it
		// to tx without preparing again.
		return w.tx.StmtContext(ctx, st), nil
	}
	*w.unprepared = append(*w.unprepared, query)
	w.s.wstmt.prepares.Add(1)
	st, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return st, nil
}

func (w writer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = w.context(ctx)
	w.s.traced(query, args)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w writer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = w.context(ctx)
	w.s.traced(query, args)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (w writer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = w.context(ctx)
	w.s.traced(query, args)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return w.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (w writer) context(ctx context.Context) context.Context {
	if w.ctx != nil {
		return w.ctx
	}
	return ctx
}

func (s *DB) traced(query string, args []any) {
	if s.trace != nil {
		s.trace(query, args)
	}
}
