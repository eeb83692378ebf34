package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// execer is what *sql.DB and *sql.Tx share.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q runs statements written with SQLite's ? placeholders (the queries are
// those of incident/sqlite, so the two read alike) as PostgreSQL's $n.
type q struct{ tx execer }

func (x q) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return x.tx.ExecContext(ctx, rebind(query), args...)
}

func (x q) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return x.tx.QueryContext(ctx, rebind(query), args...)
}

func (x q) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return x.tx.QueryRowContext(ctx, rebind(query), args...)
}

// rebound caches rebind's answers: the queries are a fixed set.
var rebound sync.Map

// rebind numbers the ? placeholders outside quoted strings $1, $2, ...
func rebind(query string) string {
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quoted := 0, false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '?' && !quoted:
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	out := b.String()
	if strings.Count(query, "?") < 64 { // the filters' IN lists vary: not cached
		rebound.Store(query, out)
	}
	return out
}

// q runs statements outside a transaction, each on a pooled connection.
func (s *DB) q() q { return q{tx: s.db} }
