package sqlite

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExportReadsOneSnapshotOfTheData: the export lists the tables that
// hold data (not SQLite's own, not a virtual table or its shadow tables),
// their stored columns, and rows in insertion order, and keeps reading
// the snapshot it began with while the writer goes on.
func TestExportReadsOneSnapshotOfTheData(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for _, stmt := range []string{
		`CREATE VIRTUAL TABLE probe_fts USING fts5(body)`,
		`INSERT INTO probe_fts (body) VALUES ('indexed')`,
		`CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB, n INTEGER GENERATED ALWAYS AS (length(v))) WITHOUT ROWID`,
		`INSERT INTO kv (k, v) VALUES ('b', x'0102'), ('a', x'03')`,
		`INSERT INTO builtin_channels (id, incident_key, name, display_name, created_at) VALUES ('c1', 'INC-1', 'inc-1', 'INC-1', 1)`,
		`INSERT INTO builtin_messages (id, channel_id, author, text, created_at) VALUES ('z', 'c1', 'a', 'first', 1), ('y', 'c1', 'a', 'second', 2)`,
	} {
		if _, err := db.db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	exp, err := db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Close()
	// Written after the export began: not in it.
	if _, err := db.db.ExecContext(ctx, `INSERT INTO builtin_messages (id, channel_id, author, text, created_at) VALUES ('x', 'c1', 'a', 'later', 3)`); err != nil {
		t.Fatal(err)
	}

	tables, err := exp.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"incidents", "events", "jobs", "transcript_docs", "transcript_chunks", "sessions", "builtin_messages", "leases", "kv", "schema_migrations"} {
		if !slices.Contains(tables, want) {
			t.Errorf("tables %q lack %s", tables, want)
		}
	}
	for _, not := range []string{"probe_fts", "probe_fts_data", "probe_fts_config", "search_fts", "search_fts_data", "sqlite_sequence", "transcripts"} {
		if slices.Contains(tables, not) {
			t.Errorf("tables %q hold %s, which is no data of its own", tables, not)
		}
	}

	cols, err := exp.Columns(ctx, "kv")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"k", "v"}, cols); diff != "" {
		t.Errorf("kv's columns (-want +got):\n%s", diff)
	}
	if _, err := exp.Columns(ctx, "nothing"); err == nil {
		t.Error("columns of a missing table: no error")
	}

	read := func(table string, cols []string) [][]any {
		var out [][]any
		if err := exp.Rows(ctx, table, cols, func(r []any) error { out = append(out, r); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if diff := cmp.Diff([][]any{{"a", []byte{3}}, {"b", []byte{1, 2}}}, read("kv", cols)); diff != "" {
		t.Errorf("kv's rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]any{{"z", "first", int64(0)}, {"y", "second", int64(0)}}, read("builtin_messages", []string{"id", "text", "pinned"})); diff != "" {
		t.Errorf("builtin_messages (-want +got):\n%s", diff)
	}
	if n, err := exp.Count(ctx, "builtin_messages"); err != nil || n != 2 {
		t.Errorf("count = %d, %v; want the snapshot's 2", n, err)
	}
}
