// Package postgres is warroom's store on PostgreSQL, for several replicas
// on one database: incidents, timelines and the durable jobs, with the
// same semantics as incident/sqlite.
//
// It uses database/sql over pgx v5 (pgx/v5/stdlib) rather than pgxpool:
// the statements, scans and transactions are those of incident/sqlite,
// so the two stores read alike and a store copy can drive both through
// one interface; pgx's own types stay inside this package.
//
// Concurrency model: transactions run at READ COMMITTED. What two
// replicas could otherwise both do is decided by the database: a unique
// index (one live incident per alert group, one event per ref, one job
// per key, one head per lane), a row lock taken with FOR UPDATE SKIP
// LOCKED (a claim), or a transaction-scoped advisory lock (a lane's head
// moves, migrations). A serialization failure, a deadlock or a lost
// connection is a KindTransient error: the caller retries.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the PostgreSQL store. It implements incident.Store,
// incident.JobQueue and incident.JobPruner, and the job admin the web reads.
type DB struct {
	db      *sql.DB
	clock   incident.Clock
	claimed claimedLanes // the lanes of the jobs claimed here (jobs.go)
}

// DefaultMaxConns bounds the connections one replica holds unless
// SetMaxConns says otherwise.
const DefaultMaxConns = 20

// SetMaxConns bounds the connections this replica holds at once; a
// statement that finds them all busy waits for one. The database does
// the most work with about twice as many busy connections as it has
// cores, over all replicas: past that, its processes spend their time
// contending for its locks and caches (docs/benchmarks.md, session 7).
func (s *DB) SetMaxConns(n int) {
	s.db.SetMaxOpenConns(n)
	s.db.SetMaxIdleConns(n)
}

// Open connects to the database at dsn (postgres://user:pass@host/db?...),
// applies the embedded migrations that are not yet applied, and returns the
// store. Several replicas may open the same database at once.
func Open(ctx context.Context, dsn string, clock incident.Clock) (*DB, error) {
	if dsn == "" {
		return nil, incident.Errorf(incident.KindInvalid, "store.dsn is empty: give a postgres:// URL")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, incident.Errorf(incident.KindInvalid, "store.dsn is not a PostgreSQL URL (postgres://user:password@host:5432/db): %v", err)
	}
	db.SetMaxOpenConns(DefaultMaxConns)
	db.SetMaxIdleConns(DefaultMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &DB{db: db, clock: clock}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate the PostgreSQL database: %w", err)
	}
	return s, nil
}

// Close closes the connections.
func (s *DB) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("PostgreSQL does not answer: %w; check that it is up and that store.dsn points at it", storeError("ping", err))
	}
	return nil
}

// pingTimeout bounds a readiness check: a database that does not answer a
// SELECT in that time is not ready.
const pingTimeout = 2 * time.Second

// migrationLock is the advisory lock key every replica takes while it
// migrates ("warroom" in ASCII), so that concurrent starts apply each
// migration once, in order.
const migrationLock = 0x77617272_6f6f6d

// migrate applies each embedded migration not yet in schema_migrations,
// each in one transaction holding the migration lock.
func (s *DB) migrate(ctx context.Context) error {
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
		err = s.tx(ctx, func(tx q) error {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrationLock)); err != nil {
				return err
			}
			// After the lock: two CREATE TABLE IF NOT EXISTS at once can both
			// try to create it.
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)`); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
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

// tx runs fn in a READ COMMITTED transaction and commits it, or rolls it
// back when fn fails or panics.
func (s *DB) tx(ctx context.Context, fn func(q) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storeError("begin", err)
	}
	defer func() {
		if r := recover(); r != nil {
			tx.Rollback()
			panic(r)
		}
	}()
	if err := fn(q{tx: tx}); err != nil {
		tx.Rollback()
		return storeError("transaction", err)
	}
	return storeError("commit", tx.Commit())
}
