package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// stmtCache keeps each statement prepared once per handle, by its SQL text:
// preparing the same SQL again on every call cost the hook path a sixth of
// its time.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
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
	// holds its one connection), so wtx prepares them when it ends.
	unprepared *[]string
}

func (w writer) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := w.s.wstmt.lookup(query); st != nil {
		// Already prepared on the one writer connection: this binds it
		// to tx without preparing again.
		return w.tx.StmtContext(ctx, st), nil
	}
	*w.unprepared = append(*w.unprepared, query)
	st, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return st, nil
}

func (w writer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	w.s.traced(query, args)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w writer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	w.s.traced(query, args)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (w writer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	w.s.traced(query, args)
	st, err := w.stmt(ctx, query)
	if err != nil {
		return w.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// wtx runs fn in a write transaction with statements from the cache, and
// then prepares the ones that were not cached yet.
func (s *DB) wtx(ctx context.Context, fn func(writer) error) error {
	var unprepared []string
	err := s.tx(ctx, func(tx *sql.Tx) error { return fn(writer{s: s, tx: tx, unprepared: &unprepared}) })
	for _, q := range unprepared {
		if _, perr := s.wstmt.get(ctx, s.db, q); perr != nil {
			break // it is prepared in the transaction again next time
		}
	}
	return err
}

func (s *DB) traced(query string, args []any) {
	if s.trace != nil {
		s.trace(query, args)
	}
}
