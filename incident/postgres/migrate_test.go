package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestConcurrentOpensMigrateOnce: replicas starting at the same moment on
// an empty database all open it, each migration is applied once, and
// opening again applies nothing.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	dsn := pgtest.Database(t)
	clock := &storetest.Clock{}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(context.Background(), dsn, clock)
			if err == nil {
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
	}
	raw := rawOpen(t, dsn)
	versions := func() string {
		rows, err := raw.Query(`SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return fmt.Sprint(out)
	}
	// Every embedded migration, once, in order (the file names, as the
	// versions are recorded).
	names, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(names) < 7 {
		t.Fatalf("embedded migrations %v, %v", names, err)
	}
	for i, n := range names {
		names[i] = strings.TrimSuffix(filepath.Base(n), ".sql")
	}
	want := fmt.Sprint(names)
	if got := versions(); got != want {
		t.Fatalf("schema_migrations = %s, want %s", got, want)
	}
	openDSN(t, dsn, clock)
	if got := versions(); got != want {
		t.Fatalf("after reopening: %s", got)
	}
}

func rawOpen(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// TestLostConnectionIsTransient: a transaction whose connection the
// server drops fails with a KindTransient error (the caller retries, and
// nothing of it was written), and the store works again afterwards.
func TestLostConnectionIsTransient(t *testing.T) {
	dsn := pgtest.Database(t)
	db := openDSN(t, dsn, &storetest.Clock{})
	raw := rawOpen(t, dsn)
	ctx := context.Background()
	newInc := func() *incident.Incident {
		return &incident.Incident{Title: "x", Severity: incident.SeverityHigh, Status: incident.StatusOpen, Source: "api",
			CreatedAt: storetest.T0, UpdatedAt: storetest.T0}
	}
	err := db.Update(ctx, func(tx incident.Tx) error {
		if err := tx.CreateIncident(ctx, newInc()); err != nil {
			return err
		}
		if _, err := raw.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			t.Fatalf("terminate: %v", err)
		}
		return tx.CreateIncident(ctx, newInc())
	})
	if incident.ErrorKind(err) != incident.KindTransient {
		t.Fatalf("update on a dropped connection = %v (kind %v), want KindTransient", err, incident.ErrorKind(err))
	}
	if err := db.Update(ctx, func(tx incident.Tx) error { return tx.CreateIncident(ctx, newInc()) }); err != nil {
		t.Fatalf("the retry: %v", err)
	}
	incs, err := db.Incidents(ctx, incident.Filter{})
	if err != nil || len(incs) != 1 {
		t.Fatalf("%d incidents (%v), want only the retry's", len(incs), err)
	}
}

// TestOpenRefusesEmptyDSN: an empty store.dsn is the operator's mistake.
func TestOpenRefusesEmptyDSN(t *testing.T) {
	if _, err := postgres.Open(context.Background(), "", &storetest.Clock{}); incident.ErrorKind(err) != incident.KindInvalid {
		t.Fatalf("Open(\"\") = %v, want KindInvalid", err)
	}
}
