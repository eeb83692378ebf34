package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
)

// builtinTables are the tables migration 0006 took over from builtin.New.
var builtinTables = []string{"builtin_channels", "builtin_messages", "builtin_files", "builtin_tickets", "builtin_ticket_files", "builtin_ticket_chunks"}

// TestMigration0006KeepsBuiltinRows: a database made by the code before
// migration 0006 (testdata/pre0006.sql, the builtin tables created by
// builtin.New itself) opens with the current code. Every row of the
// builtin tables is as it was, the backend reads them (channels, messages
// with their card, edit, thread and files, the ticket's documents, which
// still match the archive's digests), new messages follow the old ones,
// the schema is the one a new database gets, and opening again changes
// nothing.
func TestMigration0006KeepsBuiltinRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	dump, err := os.ReadFile("testdata/pre0006.sql")
	if err != nil {
		t.Fatal(err)
	}
	raw := rawOpen(t, path)
	if _, err := raw.ExecContext(ctx, string(dump)); err != nil {
		t.Fatalf("load the old database: %v", err)
	}
	before := rows(t, raw, builtinTables...)
	if got := versions(t, raw); slices.Contains(got, "0006_builtin") || len(got) != 5 {
		t.Fatalf("the old database has migrations %v, want 0001 to 0005", got)
	}
	raw.Close()

	db, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatalf("open the old database with the current code: %v", err)
	}
	b := builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
	inc, err := db.Incident(ctx, 1)
	if err != nil || inc.Title != "db down" || inc.Channel.Backend != builtin.Name || inc.Ticket.Key != "INC-1" {
		t.Fatalf("incident: %+v, %v", inc, err)
	}
	chans, err := b.Channels(ctx)
	if err != nil || len(chans) != 2 {
		t.Fatalf("channels: %+v, %v", chans, err)
	}
	ch, err := b.Channel(ctx, inc.Channel.ID)
	if err != nil || ch.Header != "closed: db down" || strings.Join(ch.Members, ",") != "alice,bob" {
		t.Fatalf("channel of INC-1: %+v, %v", ch, err)
	}
	msgs, err := b.Messages(ctx, ch.ID, 0, 10)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("messages: %+v, %v", msgs, err)
	}
	welcome, reply := msgs[0], msgs[2]
	switch {
	case welcome.Text != "welcome (edited)" || welcome.EditedAt == nil || !welcome.Pinned || welcome.Card == nil || welcome.Card.Title != "db down":
		t.Errorf("welcome post: %+v", welcome)
	case len(welcome.Files) != 1 || welcome.Files[0].Name != "graph.png":
		t.Errorf("welcome post's files: %+v", welcome.Files)
	case reply.ThreadID != msgs[1].ID || reply.Author != "bob" || len(reply.Files) != 1:
		t.Errorf("reply: %+v", reply)
	}
	if _, data, err := b.File(ctx, ch.ID, welcome.Files[0].ID); err != nil || string(data) != "\x89PNG fake graph" {
		t.Errorf("file: %q, %v", data, err)
	}
	if data, ctype, err := b.Document(ctx, "INC-1", "notes.txt"); err != nil || string(data) != "handover notes\n" || ctype != "text/plain" {
		t.Errorf("ticket document: %q %q, %v", data, ctype, err)
	}
	docs, err := db.Documents(ctx, inc.ID)
	if err != nil || len(docs) != 4 {
		t.Fatalf("transcript documents: %d, %v", len(docs), err)
	}
	for _, d := range docs {
		if has, err := b.HasDocument(ctx, inc.Ticket, d.Document); err != nil || !has || d.Placement != archive.PlacementTicket {
			t.Errorf("%s: in the builtin ticket %v (%v), placement %q", d.Name, has, err, d.Placement)
		}
	}

	// New writes follow the old rows.
	m, err := b.Say(ctx, ch.ID, "carol", "after the upgrade", "")
	if err != nil || m.Seq != 5 {
		t.Fatalf("new message: %+v, %v; want seq 5, after the old database's four", m, err)
	}
	var read []string
	tally, err := b.History(ctx, inc.Channel, func(m archive.Message) error { read = append(read, m.Text); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if c, err := b.Count(ctx, inc.Channel, tally); err != nil || len(read) != 4 || c.Server != 4 || c.Newer != 0 {
		t.Fatalf("history after the upgrade: %q, count %+v, %v", read, c, err)
	}
	if _, err := b.DeleteChannel(ctx, inc.Channel); err != nil { // cascades to its messages and files, as before
		t.Fatal(err)
	}
	db.Close()

	raw = rawOpen(t, path)
	after := rows(t, raw, builtinTables...)
	if got := versions(t, raw); !slices.Contains(got, "0006_builtin") {
		t.Errorf("migrations after the upgrade: %v, want 0006_builtin recorded", got)
	}
	upgraded := schema(t, raw)
	raw.Close()
	// What changed is what the test did: one channel deleted with its
	// three old messages and two files, one message added and deleted.
	kept := slices.DeleteFunc(slices.Clone(before), func(r string) bool { return strings.Contains(r, ch.ID) || isFileOf(r, welcome, reply) })
	if !slices.Equal(kept, after) {
		t.Errorf("builtin rows after the upgrade differ from before it:\nbefore (less the deleted channel): %q\nafter: %q", kept, after)
	}
	if len(kept) < 8 {
		t.Errorf("only %d old rows left to compare: %q", len(kept), kept)
	}

	fresh := filepath.Join(t.TempDir(), "new.db")
	nd, err := sqlite.Open(ctx, fresh, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	nd.Close()
	raw = rawOpen(t, fresh)
	defer raw.Close()
	if want := schema(t, raw); !slices.Equal(upgraded, want) {
		t.Errorf("schema of the upgraded database differs from a new one:\nupgraded: %q\nnew: %q", upgraded, want)
	}

	again, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatalf("open the upgraded database again: %v", err)
	}
	again.Close()
}

func isFileOf(row string, ms ...builtin.Message) bool {
	for _, m := range ms {
		for _, f := range m.Files {
			if strings.Contains(row, f.ID) {
				return true
			}
		}
	}
	return false
}

// rawOpen opens a database file without the store, as another tool would.
func rawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	return raw
}

// rows lists every row of the tables, one line each, in a stable order.
func rows(t *testing.T, db *sql.DB, tables ...string) []string {
	t.Helper()
	var out []string
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var line bytes.Buffer
			line.WriteString(table)
			for i, v := range vals {
				fmt.Fprintf(&line, " %s=%v", cols[i], v)
			}
			out = append(out, line.String())
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		rs.Close()
	}
	return out
}

func versions(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rs, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var v string
		if err := rs.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// schema lists every table and index with its SQL (as SQLite keeps it,
// without IF NOT EXISTS).
func schema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rs, err := db.Query(`SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var s string
		if err := rs.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
