package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/web"
)

// store is what warroom needs of its database: every port its parts use.
// incident/sqlite (one process) and incident/postgres (several replicas)
// both implement it, and the store conformance suite (incident/storetest)
// holds them to the same rules.
type store interface {
	incident.Store
	incident.JobQueue
	incident.JobPruner
	incident.Leases
	archive.Store
	web.Jobs
	web.JobCounter
	web.Transcripts
	web.Sessions
	incident.Reporter
	incident.IdempotencyStore

	incident.Searcher
	// IndexPending indexes for search what the database held before the
	// search index existed, logging its progress (a no-op once done).
	IndexPending(ctx context.Context, log *slog.Logger) error
	// Ping reaches the database now, saying what to check when it cannot.
	Ping(ctx context.Context) error
	// ReleaseOrphans makes the jobs a crashed run left claimed runnable
	// again at start (SQLite: one process owns the file; PostgreSQL: none,
	// their leases lapse, since another replica may be running them).
	ReleaseOrphans(ctx context.Context) (int64, error)
	Close() error
}

// openedStore is the store and builtin's tables in it.
type openedStore struct {
	store
	builtin builtin.Store
}

// openStore opens the store that store.driver names, applying its
// migrations. It is the one place that chooses the driver: every command
// that opens the store comes here.
func openStore(ctx context.Context, sc StoreConfig, clock incident.Clock) (openedStore, error) {
	if sc.Driver == driverPostgres {
		db, err := postgres.Open(ctx, sc.DSN, clock)
		if err != nil {
			return openedStore{}, fmt.Errorf("open the PostgreSQL store %s: %w\nCheck store.dsn, that PostgreSQL is up and that the user may create tables in that database",
				maskDSN(sc.DSN), err)
		}
		if sc.MaxConns > 0 {
			db.SetMaxConns(sc.MaxConns)
		}
		return openedStore{store: db, builtin: db.Builtin()}, nil
	}
	db, err := sqlite.Open(ctx, sc.DSN, clock)
	if err != nil {
		return openedStore{}, fmt.Errorf("%w\nCheck store.dsn: the directory must be writable by warroom", err)
	}
	return openedStore{store: db, builtin: db.Builtin()}, nil
}
