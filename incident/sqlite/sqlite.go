// Package sqlite is warroom's embedded store: incidents, timelines, durable
// jobs and transcripts in one SQLite file (modernc.org/sqlite, no cgo).
//
// Concurrency model: SQLite lets one writer in at a time, so warroom keeps
// exactly one writer connection (every write transaction is a short BEGIN
// IMMEDIATE on it, and writers queue in Go, not in SQLite's busy handler)
// and a separate pool of read-only connections for reads, which WAL lets
// run beside the writer. Inside this process no write can therefore meet
// SQLITE_BUSY; only another process holding the file (a backup, a second
// warroom) can make a writer wait, up to the busy timeout.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/warroom/warroom/incident"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the SQLite store. It implements incident.Store and incident.JobQueue.
type DB struct {
	// db is the one writer connection: every write goes through it.
	db *sql.DB
	// rdb is the pool of read-only connections.
	rdb   *sql.DB
	clock incident.Clock
	// path is the file opened, opened what it was then (Ping compares).
	path   string
	opened os.FileInfo
	// wstmt and rstmt hold the statements prepared once on db and rdb.
	wstmt, rstmt stmtCache
	// trace, when set (by tests), sees every statement run through the
	// caches, with its arguments.
	trace func(query string, args []any)
	// updates, quit and stopped run the group commit (commit.go).
	updates       chan update
	quit, stopped chan struct{}
	waiting       atomic.Int32 // updates not yet taken by the committer
	stop          sync.Once
}

// busyTimeoutMS is how long a connection waits for a lock another process
// holds before it gives up with SQLITE_BUSY.
const busyTimeoutMS = 10000

// Open opens (creating if needed) the database at path with WAL, a busy
// timeout and foreign keys, applies the embedded migrations, and opens the
// read-only pool beside the writer connection.
func Open(ctx context.Context, path string, clock incident.Clock) (*DB, error) {
	if path == "" {
		return nil, incident.Errorf(incident.KindInvalid, "store.dsn is empty: give the path of the SQLite file")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create directory for database %s: %w", path, err)
		}
	}
	w, err := sql.Open("sqlite", dsn(path, "journal_mode(WAL)", "synchronous(NORMAL)"))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One writer connection, kept open for good: its prepared statements
	// live as long as the process.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &DB{db: w, clock: clock, path: path}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	if s.opened, err = os.Stat(path); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, "query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	s.rdb = r
	s.startCommitter()
	return s, nil
}

// dsn is the driver's name for the file with the pragmas every connection
// runs when it opens, plus extra.
func dsn(path string, extra ...string) string {
	q := url.Values{}
	for _, p := range append([]string{fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS), "foreign_keys(1)"}, extra...) {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (s *DB) Close() error {
	s.stopCommitter()
	s.wstmt.close()
	s.rstmt.close()
	return errors.Join(s.rdb.Close(), s.db.Close())
}

// Ping checks, each time anew, that the database answers: a short query
// on the writer connection and one on the read pool, each within
// pingTimeout, and that the file at the path is the one open and its disk
// not full (checkFile). Its error says what is wrong and what to check.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.checkFile(); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		pool *sql.DB
	}{{"writer", s.db}, {"reader", s.rdb}} {
		qctx, cancel := context.WithTimeout(ctx, pingTimeout)
		var n int
		err := p.pool.QueryRowContext(qctx, `SELECT count(*) FROM schema_migrations`).Scan(&n)
		cancel()
		if err != nil {
			return storeError(fmt.Sprintf("query the database %s (%s connection; check the file, its disk and its permissions)",
				s.path, p.name), err)
		}
	}
	return nil
}

func (s *DB) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version := strings.TrimSuffix(filepath.Base(name), ".sql")
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("apply %s: %w", version, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, version)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE on the writer
// connection). fn must not use s.db itself: the one connection is fn's.
func (s *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storeError("begin", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return storeError("commit", err)
	}
	return nil
}

// storeError wraps a database error. One that a later try may not meet
// (another process held the lock past the busy timeout) is KindTransient,
// so that a hook answers 503 and its sender retries; a full disk or an I/O
// error stays an internal error, for the operator to fix.
func storeError(what string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return incident.Errorf(incident.KindTransient, "%s: the database is locked by another process (is a second warroom or a backup running on the same file?): %w", what, err)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
