// Package sqlstore is the SQL the two stores share: the queries and the
// scanning of the tables whose statements incident/sqlite and
// incident/postgres run alike (postmortems, follow-ups, action runs,
// sessions, the reports' sums), written once against a Queryer with
// SQLite's ? placeholders. What truly differs between the drivers, the
// classification of their errors, the row locks PostgreSQL takes and
// SQLite (one writer) needs not, and how an insert learns its id, each
// driver states in its Dialect; vendor types stay in the drivers.
package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// Queryer is what a driver's connections and transactions offer: each
// statement is written with ? placeholders, which the PostgreSQL driver
// rebinds to $n, and SQLite's prepares once.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Dialect is what one driver does its own way. Its methods run the shared
// statements through the Queryer they are given: the driver picks its read
// pool or the transaction.
type Dialect struct {
	// StoreError wraps a database error as the driver classifies it (a
	// transient one a retry may not meet, or not); nil stays nil.
	StoreError func(what string, err error) error
	// UniqueViolation reports whether err is a unique index's refusal, met
	// when a concurrent transaction wrote the same row first; nil where
	// none can (SQLite's one writer).
	UniqueViolation func(err error) bool
	// ForUpdate and ForNoKeyUpdate end a transaction's read of a row it is
	// going to change, so that it stays locked until the transaction ends
	// (" FOR UPDATE", " FOR NO KEY UPDATE" on PostgreSQL); empty where
	// transactions run one at a time (SQLite).
	ForUpdate, ForNoKeyUpdate string
	// Returning says that an insert learns its row's id from RETURNING id
	// (PostgreSQL) rather than from the result's LastInsertId (SQLite).
	Returning bool
	// CaseFreeLike is the LIKE that ignores the case of ASCII letters, as
	// SQLite's LIKE does (ILIKE on PostgreSQL); empty: LIKE.
	CaseFreeLike string
	// ContentText is a stored transcript's content column read as text;
	// empty: CAST(content AS TEXT).
	ContentText string
}

// unique reports whether err is a unique index's refusal in this dialect.
func (d Dialect) unique(err error) bool {
	return err != nil && d.UniqueViolation != nil && d.UniqueViolation(err)
}

// insert runs an INSERT of one row and returns the id it was given.
func (d Dialect) insert(ctx context.Context, q Queryer, query string, args ...any) (int64, error) {
	if d.Returning {
		var id int64
		err := q.QueryRowContext(ctx, query+` RETURNING id`, args...).Scan(&id)
		return id, err
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(dest ...any) error }

// nanos is how a time is stored: Unix nanoseconds (read back in UTC).
func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// timeArg is the argument for a nullable time column.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixNano()
}

func nullTime(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromNanos(n.Int64)
	return &t
}
