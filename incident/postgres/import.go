package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Source is a warroom database being copied into this one (`warroom store
// copy`; incident/sqlite's Export is one). It names tables and columns as
// the source has them, so that what a later migration adds on both
// drivers is copied without a change here.
type Source interface {
	// Tables lists the source's tables that hold data.
	Tables(ctx context.Context) ([]string, error)
	// Columns lists a table's stored columns.
	Columns(ctx context.Context, table string) ([]string, error)
	// Count is how many rows a table holds.
	Count(ctx context.Context, table string) (int64, error)
	// Rows calls fn with each row of a table, its values in the order of
	// columns (int64, float64, string, []byte or nil), oldest row first.
	Rows(ctx context.Context, table string, columns []string, fn func(row []any) error) error
}

// Progress hears how far an import is: copied of total rows of table.
// It is called after every batch and once when the table is done.
type Progress func(table string, copied, total int64)

// ownTables are each store's own bookkeeping and derived data, never
// copied: the migrations applied, and the search index, which each store
// builds from the incidents, events and transcripts (Import marks every
// copied incident for IndexPending).
var ownTables = map[string]bool{"schema_migrations": true, "search_units": true, "search_pending": true, "search_queue": true}

// importLockTimeout bounds the wait for the tables' locks: a warroom
// still running on the target holds them, and the copy must not wait for
// it for good.
const importLockTimeout = 10 * time.Second

// Import copies every row of src into this database, which must be empty
// (migrated, with no row in any table), in one transaction: a failure at
// any point leaves the database as empty as it was. Rows keep their ids
// (an incident's key is its id), and every sequence is set past the
// highest id copied. The tables are locked for the copy, so a warroom
// started on the database meanwhile waits for its end.
//
// A source table or column this database has no place for is an error
// (KindInvalid) before anything is written: the copy would lose it.
func (s *DB) Import(ctx context.Context, src Source, progress Progress) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return storeError("begin the import", err)
	}
	defer tx.Rollback()
	x := q{tx: tx}
	plan, err := planImport(ctx, x, src)
	if err != nil {
		return err
	}
	if err := lockEmpty(ctx, x, plan); err != nil {
		return err
	}
	for _, t := range plan {
		if err := copyTable(ctx, x, src, t, progress); err != nil {
			return err
		}
	}
	if err := fixSequences(ctx, x); err != nil {
		return err
	}
	// The triggers indexed titles and events as they came; transcripts are
	// indexed by the store's own writes. Every incident is indexed anew by
	// IndexPending, after the copy or at the next start.
	for _, table := range []string{"search_units", "search_queue"} {
		if _, err := x.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			return storeError("clear the search index", err)
		}
	}
	if _, err := x.ExecContext(ctx, `INSERT INTO search_pending (incident_id) SELECT id FROM incidents ON CONFLICT DO NOTHING`); err != nil {
		return storeError("mark the copied incidents for the search index", err)
	}
	return storeError("commit the import", tx.Commit())
}

// importTable is one table to copy: its name, the columns taken from the
// source, their types here, and the source's row count.
type importTable struct {
	name    string
	columns []string
	types   []string // data_type of each column here (boolean, bytea, ...)
	total   int64
	missing bool // the source has no such table: left empty
}

// planImport matches the source's tables and columns with this
// database's, and orders the tables so that every table comes after the
// tables its foreign keys point to.
func planImport(ctx context.Context, x q, src Source) ([]importTable, error) {
	here, err := targetColumns(ctx, x)
	if err != nil {
		return nil, err
	}
	order, err := tableOrder(ctx, x, here)
	if err != nil {
		return nil, err
	}
	srcTables, err := src.Tables(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the source's tables: %w", err)
	}
	inSource := map[string]bool{}
	var problems []string
	for _, name := range srcTables {
		if ownTables[name] {
			continue
		}
		inSource[name] = true
		if _, ok := here[name]; ok {
			continue
		}
		n, err := src.Count(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("count the source's %s: %w", name, err)
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("table %s (%s) has no counterpart in PostgreSQL", name, rowCount(n)))
		}
	}
	var plan []importTable
	for _, name := range order {
		t := importTable{name: name, missing: !inSource[name]}
		if t.missing {
			plan = append(plan, t)
			continue
		}
		cols, err := src.Columns(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("list the source's columns of %s: %w", name, err)
		}
		for _, c := range cols {
			typ, ok := here[name][c]
			if !ok {
				problems = append(problems, fmt.Sprintf("column %s.%s has no counterpart in PostgreSQL", name, c))
				continue
			}
			t.columns = append(t.columns, c)
			t.types = append(t.types, typ)
		}
		if t.total, err = src.Count(ctx, name); err != nil {
			return nil, fmt.Errorf("count the source's %s: %w", name, err)
		}
		plan = append(plan, t)
	}
	if len(problems) > 0 {
		return nil, incident.Errorf(incident.KindInvalid, "the source holds data this warroom's PostgreSQL schema has no place for (%s): copy with the warroom version that wrote the source",
			strings.Join(problems, "; "))
	}
	return plan, nil
}

// targetColumns is every stored column of this schema's tables, with its
// type: generated columns left out (the database computes them).
func targetColumns(ctx context.Context, x q) (map[string]map[string]string, error) {
	rows, err := x.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'`)
	if err != nil {
		return nil, storeError("read the target's tables", err)
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			return nil, storeError("read the target's tables", err)
		}
		if ownTables[table] {
			continue
		}
		if out[table] == nil {
			out[table] = map[string]string{}
		}
		out[table][col] = typ
	}
	return out, storeError("read the target's tables", rows.Err())
}

// tableOrder sorts the tables so that each comes after those its foreign
// keys reference (by name among equals, so the order is stable).
func tableOrder(ctx context.Context, x q, tables map[string]map[string]string) ([]string, error) {
	rows, err := x.QueryContext(ctx, `SELECT c.relname, p.relname FROM pg_constraint k
		JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
		WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, storeError("read the target's foreign keys", err)
	}
	defer rows.Close()
	parents := map[string][]string{}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, storeError("read the target's foreign keys", err)
		}
		if child != parent {
			parents[child] = append(parents[child], parent)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("read the target's foreign keys", err)
	}
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(name string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("the target's foreign keys form a cycle through %s", name)
		case 2:
			return nil
		}
		state[name] = 1
		ps := parents[name]
		sort.Strings(ps)
		for _, p := range ps {
			if _, ok := tables[p]; ok {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[name] = 2
		out = append(out, name)
		return nil
	}
	for _, name := range names {
		if err := visit(name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lockEmpty locks every table of the plan against writers and readers
// until the import ends, then checks that none holds a row.
func lockEmpty(ctx context.Context, x q, plan []importTable) error {
	if _, err := x.ExecContext(ctx, `SET LOCAL lock_timeout = `+strconv.Itoa(int(importLockTimeout/time.Millisecond))); err != nil {
		return storeError("set the lock timeout", err)
	}
	names := make([]string, len(plan))
	for i, t := range plan {
		names[i] = quoteIdent(t.name)
	}
	if _, err := x.ExecContext(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		return incident.Errorf(incident.KindConflict, "lock the target's tables: %v; stop every warroom that runs on the target database and try again", err)
	}
	var full []string
	for _, t := range plan {
		var n int64
		if err := x.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(t.name)).Scan(&n); err != nil {
			return storeError("count the target's "+t.name, err)
		}
		if n > 0 {
			full = append(full, t.name+": "+rowCount(n))
		}
	}
	if len(full) > 0 {
		return incident.Errorf(incident.KindConflict, "the target database is not empty (%s): store copy fills only an empty database; create a new one (createdb) and give its URL, or drop this one if nothing in it is needed",
			strings.Join(full, ", "))
	}
	return nil
}

// maxBatchRows and maxBatchBytes bound one INSERT: PostgreSQL takes at
// most 65,535 parameters in a statement, and transcript chunks are 256 KiB.
const (
	maxBatchParams = 65535
	maxBatchRows   = 1000
	maxBatchBytes  = 8 << 20
)

// copyTable copies one table's rows in multi-row INSERTs.
func copyTable(ctx context.Context, x q, src Source, t importTable, progress Progress) error {
	if t.missing || t.total == 0 {
		if progress != nil {
			progress(t.name, 0, 0)
		}
		return nil
	}
	cols := make([]string, len(t.columns))
	for i, c := range t.columns {
		cols[i] = quoteIdent(c)
	}
	head := `INSERT INTO ` + quoteIdent(t.name) + ` (` + strings.Join(cols, ", ") + `) OVERRIDING SYSTEM VALUE VALUES `
	perRow := min(maxBatchRows, maxBatchParams/len(t.columns))
	var args []any
	var rows, size, copied int64
	flush := func() error {
		if rows == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(head)
		n := 0
		for r := range rows {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range t.columns {
				if c > 0 {
					b.WriteByte(',')
				}
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
			b.WriteByte(')')
		}
		if _, err := x.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("copy rows %d-%d of %s: %w", copied+1, copied+rows, t.name, storeError("insert", err))
		}
		copied += rows
		args, rows, size = args[:0], 0, 0
		if progress != nil {
			progress(t.name, copied, t.total)
		}
		return nil
	}
	err := src.Rows(ctx, t.name, t.columns, func(row []any) error {
		for i, v := range row {
			cv, n, err := convert(v, t.types[i])
			if err != nil {
				return fmt.Errorf("copy row %d of %s, column %s: %w", copied+rows+1, t.name, t.columns[i], err)
			}
			args = append(args, cv)
			size += n
		}
		rows++
		if rows >= int64(perRow) || size >= maxBatchBytes {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	if copied != t.total {
		return fmt.Errorf("copy %s: read %d rows of the %d counted; was the source written meanwhile?", t.name, copied, t.total)
	}
	return nil
}

// convert turns a source value into what the column of type typ takes,
// with its size for the batch bound: SQLite keeps flags as 0/1 integers
// (BOOLEAN here), and may hand text as bytes or bytes as text, and an
// empty blob as a nil []byte (NULL is a nil any).
func convert(v any, typ string) (any, int64, error) {
	switch typ {
	case "boolean":
		switch b := v.(type) {
		case int64:
			return b != 0, 1, nil
		case bool, nil:
			return b, 1, nil
		}
		return nil, 0, fmt.Errorf("%T %v is not a flag (0 or 1)", v, v)
	case "bytea":
		switch b := v.(type) {
		case string:
			return []byte(b), int64(len(b)), nil
		case []byte:
			if b == nil { // an empty blob as the driver reads it, not NULL (nil)
				b = []byte{}
			}
			return b, int64(len(b)), nil
		}
	case "text", "character varying":
		if b, ok := v.([]byte); ok {
			return string(b), int64(len(b)), nil
		}
	}
	switch b := v.(type) {
	case string:
		return b, int64(len(b)), nil
	case []byte:
		return b, int64(len(b)), nil
	}
	return v, 8, nil
}

// fixSequences sets every sequence that hands out a column's values past
// the highest value copied, so that the next incident, event or job gets
// a new id (an empty table's sequence starts at 1).
func fixSequences(ctx context.Context, x q) error {
	rows, err := x.QueryContext(ctx, `SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name)
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`)
	if err != nil {
		return storeError("read the sequences", err)
	}
	type seq struct{ table, column, name string }
	var seqs []seq
	for rows.Next() {
		var s seq
		var name sql.NullString
		if err := rows.Scan(&s.table, &s.column, &name); err != nil {
			rows.Close()
			return storeError("read the sequences", err)
		}
		if name.Valid {
			s.name = name.String
			seqs = append(seqs, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return storeError("read the sequences", err)
	}
	for _, s := range seqs {
		_, err := x.ExecContext(ctx, `SELECT setval(?::regclass, COALESCE((SELECT max(`+quoteIdent(s.column)+`) FROM `+quoteIdent(s.table)+`), 0) + 1, false)`, s.name)
		if err != nil {
			return storeError("set the sequence of "+s.table+"."+s.column, err)
		}
	}
	return nil
}

// rowCount is "1 row", "2 rows".
func rowCount(n int64) string {
	if n == 1 {
		return "1 row"
	}
	return strconv.FormatInt(n, 10) + " rows"
}

// quoteIdent quotes a table or column name for SQL.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
