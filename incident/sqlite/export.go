package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Export is a consistent read of the whole database, for `warroom store
// copy`: every statement runs in one read transaction on the read pool,
// so what it reads is one snapshot (WAL keeps it while writers go on).
// It names tables and columns as they are in the file, so that a table
// or column a later migration adds is exported without a change here.
type Export struct {
	tx *sql.Tx
}

// Export opens a snapshot of the database for reading it whole. Close it
// when done.
func (s *DB) Export(ctx context.Context) (*Export, error) {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, storeError("begin the export", err)
	}
	// The snapshot starts with the first read: take it now, so that every
	// later statement reads the same one.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		tx.Rollback()
		return nil, storeError("begin the export", err)
	}
	return &Export{tx: tx}, nil
}

// Close ends the snapshot.
func (e *Export) Close() error { return e.tx.Rollback() }

// Tables lists the tables that hold data, by name: SQLite's own tables
// (sqlite_sequence, ...) and virtual tables with their shadow tables
// (full-text indexes, rebuilt from the data) left out.
func (e *Export) Tables(ctx context.Context) ([]string, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, storeError("list the tables", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, storeError("list the tables", err)
		}
		out = append(out, name)
	}
	return out, storeError("list the tables", rows.Err())
}

// Columns lists the table's stored columns in their order (generated and
// hidden ones left out: they are not data).
func (e *Export) Columns(ctx context.Context, table string) ([]string, error) {
	rows, err := e.tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, storeError("list the columns of "+table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, storeError("list the columns of "+table, err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("list the columns of "+table, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("table %s does not exist in the SQLite database", table)
	}
	return out, nil
}

// Count is how many rows the table holds.
func (e *Export) Count(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := e.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(table)).Scan(&n); err != nil {
		return 0, storeError("count the rows of "+table, err)
	}
	return n, nil
}

// Rows calls fn with each row of the table, its values in the order of
// columns, in the order the rows were inserted (rowid; primary key order
// for a table without rowid). Values are what the driver reads: int64,
// float64, string, []byte or nil; fn may keep them.
func (e *Export) Rows(ctx context.Context, table string, columns []string, fn func(row []any) error) error {
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = quoteIdent(c)
	}
	order := " ORDER BY rowid"
	var withoutRowid bool
	if err := e.tx.QueryRowContext(ctx, `SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?`, table).Scan(&withoutRowid); err != nil {
		return storeError("read "+table, err)
	}
	if withoutRowid {
		order = ""
	}
	rows, err := e.tx.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+quoteIdent(table)+order)
	if err != nil {
		return storeError("read "+table, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return storeError("read "+table, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return storeError("read "+table, rows.Err())
}

// quoteIdent quotes a table or column name for SQL.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
