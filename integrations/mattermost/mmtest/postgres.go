package mmtest

import (
	"testing"

	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// StartPostgres starts a throwaway PostgreSQL 15 cluster on a free 127.0.0.1 port and
// returns the DSN of its superuser "postgres" on the database "postgres" (trust
// authentication, no password), e.g.
// postgres://postgres@127.0.0.1:41234/postgres?sslmode=disable.
// The cluster is stopped and its files removed when the test ends. Like Start, it skips
// the test (or fails it when CI=true) if PostgreSQL 15 cannot run here.
func StartPostgres(t testing.TB) string {
	t.Helper()
	return startPostgres(t).DSN("postgres", "", "postgres")
}

// startPostgres starts a cluster of the test's own (pgtest.Start), failing
// or skipping through unavailable like the rest of mmtest.
func startPostgres(t testing.TB) *pgtest.Cluster {
	t.Helper()
	if p := pgtest.Problem(); p != "" {
		unavailable(t, "%s", p)
	}
	return pgtest.Start(t)
}
