package main

import (
	"fmt"
	"net/url"
	"strings"
)

// storeDrivers are the values of store.driver.
const (
	driverSQLite   = "sqlite"
	driverPostgres = "postgres"
)

// pgSSLModes are the sslmode values libpq and pgx know.
var pgSSLModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// checkStore checks store.driver and store.dsn: for sqlite the file's
// path, for postgres a postgres:// URL naming a host and a database.
func (c Config) checkStore(probs *problems) {
	switch c.Store.Driver {
	case driverSQLite:
		if c.Store.DSN == "" {
			probs.bad("store.dsn", "empty; give the SQLite file's path")
		}
	case driverPostgres:
		for _, msg := range postgresDSNProblems(c.Store.DSN) {
			probs.bad("store.dsn", "%s", msg)
		}
		if n := c.Store.MaxConns; n != 0 && (n < 2 || n > 500) { // 0: the default
			probs.bad("store.max_conns", "%d; use 2 to 500 (about twice the database's cores, divided among the replicas)", n)
		}
	default:
		probs.bad("store.driver", "%q; use sqlite (one machine) or postgres (several replicas)", c.Store.Driver)
	}
}

// pgDSNExample is what a PostgreSQL store.dsn looks like.
const pgDSNExample = "postgres://warroom@db.example.com:5432/warroom?sslmode=verify-full " +
	"(put the password in WARROOM_STORE_DSN, not in the file)"

// postgresDSNProblems says what is wrong with a PostgreSQL DSN, in words
// that never repeat its password.
func postgresDSNProblems(dsn string) []string {
	if dsn == "" || dsn == defaultConfig().Store.DSN {
		return []string{"not set for store.driver postgres; write " + pgDSNExample}
	}
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return []string{"is not a postgres:// URL; write " + pgDSNExample}
	}
	var out []string
	if u.Hostname() == "" {
		out = append(out, maskDSN(dsn)+" names no host; write "+pgDSNExample)
	}
	if strings.Trim(u.Path, "/") == "" {
		out = append(out, maskDSN(dsn)+" names no database (the path after the host); write "+pgDSNExample)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return append(out, maskDSN(dsn)+" has a query that does not parse; write "+pgDSNExample)
	}
	if m := q.Get("sslmode"); m != "" && !oneOf(m, pgSSLModes...) {
		out = append(out, fmt.Sprintf("sslmode %q; use one of %s", m, strings.Join(pgSSLModes, ", ")))
	}
	if p, ok := u.User.Password(); ok && isSampleSecret(p) {
		out = append(out, "the password is a sample value, not a secret; set a real one in WARROOM_STORE_DSN")
	}
	return out
}

// maskDSN is a DSN fit to print: a PostgreSQL URL's password (also one in
// a password= parameter) as xxxxx; anything that is not a URL as it is
// (an SQLite path has no secret).
func maskDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" || u.Host == "" && u.User == nil {
		if strings.Contains(dsn, "://") {
			return "(a DSN that does not parse)"
		}
		return dsn
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// storeLine is check-config's line about the store: which driver, and
// where its data is.
func storeLine(s StoreConfig) string {
	switch s.Driver {
	case driverSQLite:
		return "store: sqlite, file " + s.DSN + " (one process owns it: a single replica)"
	case driverPostgres:
		return fmt.Sprintf("store: postgres, %s (several replicas may share it), at most %d connections from this replica", maskDSN(s.DSN), s.MaxConns)
	}
	return "store: " + s.Driver + " " + maskDSN(s.DSN)
}
