package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// fakeSource is a hand-written postgres.Source: tables of rows as a
// SQLite export hands them out (flags as 0/1, text and bytes as stored).
type fakeSource struct {
	tables map[string]fakeTable
	// failAt, when set, makes Rows fail at that row (1-based) of that table.
	failTable string
	failAt    int
}

type fakeTable struct {
	columns []string
	rows    [][]any
}

func (f *fakeSource) Tables(context.Context) ([]string, error) {
	var out []string
	for name := range f.tables {
		out = append(out, name)
	}
	sort.Strings(out)
	return out, nil
}

func (f *fakeSource) Columns(_ context.Context, table string) ([]string, error) {
	return f.tables[table].columns, nil
}

func (f *fakeSource) Count(_ context.Context, table string) (int64, error) {
	return int64(len(f.tables[table].rows)), nil
}

func (f *fakeSource) Rows(_ context.Context, table string, columns []string, fn func([]any) error) error {
	t := f.tables[table]
	for i, r := range t.rows {
		if table == f.failTable && i+1 == f.failAt {
			return errors.New("disk read error")
		}
		row := make([]any, len(columns))
		for j, c := range columns {
			row[j] = r[indexOf(t.columns, c)]
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	panic("no column " + s)
}

// sampleSource is an installation with two incidents (ids 7 and 42, with
// a gap, as deletions leave none but a copy must keep), their events, a
// pending job at its lane's head, and builtin rows with flags and bytes.
func sampleSource() *fakeSource {
	at := time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC).UnixNano()
	incCols := []string{"id", "title", "severity", "status", "source", "dedup_key", "created_at", "updated_at", "archived_at"}
	return &fakeSource{tables: map[string]fakeTable{
		"schema_migrations": {columns: []string{"version"}, rows: [][]any{{"0001_init"}}},
		"incidents": {columns: incCols, rows: [][]any{
			{int64(7), "disk full", "high", "open", "alertmanager", "g1", at, at, nil},
			{int64(42), "db down", "critical", "archived", "api", "", at, at + 1, at + 2},
		}},
		"events": {columns: []string{"id", "incident_id", "kind", "text", "at", "recorded_at", "ref"}, rows: [][]any{
			{int64(1), int64(7), "opened", "opened", at, at, nil},
			{int64(5), int64(42), "opened", []byte("opened by api"), at, at, "r1"},
			{int64(9), int64(42), "note", "ü 日本", at + 5, at + 5, nil},
		}},
		"jobs": {columns: []string{"id", "kind", "backend", "incident_id", "lane", "key", "payload", "state", "attempts", "run_at", "head", "token", "created_at", "updated_at"}, rows: [][]any{
			{int64(3), "channel.open", "chat", int64(7), "chat", "inc/7/channel.open", `{"x":1}`, "pending", int64(2), at, int64(1), int64(4), at, at},
		}},
		"builtin_channels": {columns: []string{"id", "incident_key", "name", "display_name", "created_at"}, rows: [][]any{
			{"c1", "INC-7", "inc-7-disk-full", "INC-7 disk full", at},
		}},
		"builtin_messages": {columns: []string{"seq", "id", "channel_id", "author", "text", "system", "pinned", "created_at"}, rows: [][]any{
			{int64(1), "m1", "c1", "warroom", "welcome", int64(1), int64(0), at},
			{int64(2), "m2", "c1", "alice", "looking", int64(0), int64(1), at + 1},
		}},
		"builtin_files": {columns: []string{"id", "message_id", "name", "type", "size", "data"}, rows: [][]any{
			{"f2", "m2", "b.txt", "text/plain", int64(1), "b"}, // bytes as text: SQLite may hold them so
			{"f1", "m2", "a.bin", "application/octet-stream", int64(3), []byte{0, 1, 2}},
		}},
		"sqlite_only_but_empty": {columns: []string{"x"}},
	}}
}

func TestImportKeepsIDsAndFixesSequences(t *testing.T) {
	ctx := context.Background()
	db := openDSN(t, pgtest.Database(t), incident.SystemClock{})
	var seen []string
	err := db.Import(ctx, sampleSource(), func(table string, copied, total int64) {
		seen = append(seen, fmt.Sprintf("%s %d/%d", table, copied, total))
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"incidents 2/2", "events 3/3", "jobs 1/1", "builtin_files 2/2", "sessions 0/0"} {
		if !contains(seen, want) {
			t.Errorf("progress %q missing from %q", want, seen)
		}
	}
	if i, j := index(seen, "incidents 2/2"), index(seen, "events 3/3"); i > j {
		t.Errorf("events copied before incidents: %q", seen)
	}

	inc, err := db.Incident(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Key != "INC-42" || inc.Title != "db down" || inc.ArchivedAt == nil || inc.ArchivedAt.UnixNano() != inc.CreatedAt.UnixNano()+2 {
		t.Errorf("INC-42 read back as %+v", inc)
	}
	evs, err := db.Events(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range evs {
		texts = append(texts, e.Text)
	}
	if diff := cmp.Diff([]string{"opened by api", "ü 日本"}, texts); diff != "" {
		t.Errorf("INC-42's events (-want +got):\n%s", diff)
	}
	jobs, err := db.Jobs(ctx, 7, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].ID != 3 || jobs[0].State != incident.JobPending || jobs[0].Attempts != 2 {
		t.Errorf("INC-7's jobs: %+v", jobs)
	}

	// The sequences go on past the copied ids.
	var created *incident.Incident
	err = db.Update(ctx, func(tx incident.Tx) error {
		created = &incident.Incident{Title: "new", Severity: incident.SeverityInfo, Status: incident.StatusOpen, Source: "api",
			CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := tx.CreateIncident(ctx, created); err != nil {
			return err
		}
		_, err := tx.AddEvent(ctx, &incident.Event{IncidentID: created.ID, Kind: "opened", At: time.Now()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.Key != "INC-43" {
		t.Errorf("the next incident is %s, want INC-43", created.Key)
	}

	// The imported claimable head is claimed as any job is.
	claimed, err := db.Claim(ctx, time.Now(), time.Minute, []incident.JobKind{"channel.open"})
	if err != nil || claimed == nil || claimed.ID != 3 {
		t.Errorf("claim after the copy: %+v, %v; want job 3", claimed, err)
	}
}

func TestImportRefusesANonEmptyTarget(t *testing.T) {
	ctx := context.Background()
	db := openDSN(t, pgtest.Database(t), incident.SystemClock{})
	if err := db.Import(ctx, sampleSource(), nil); err != nil {
		t.Fatal(err)
	}
	err := db.Import(ctx, sampleSource(), nil)
	if incident.ErrorKind(err) != incident.KindConflict || !strings.Contains(err.Error(), "not empty") ||
		!strings.Contains(err.Error(), "incidents: 2 rows") {
		t.Fatalf("second import: %v; want a conflict naming the rows there", err)
	}
}

func TestImportFailureLeavesTargetEmpty(t *testing.T) {
	ctx := context.Background()
	db := openDSN(t, pgtest.Database(t), incident.SystemClock{})
	bad := sampleSource()
	bad.failTable, bad.failAt = "events", 2 // after incidents went in
	if err := db.Import(ctx, bad, nil); err == nil || !strings.Contains(err.Error(), "disk read error") {
		t.Fatalf("import of a failing source: %v", err)
	}
	incs, err := db.Incidents(ctx, incident.Filter{})
	if err != nil || len(incs) != 0 {
		t.Fatalf("after a failed import the target lists %d incidents (%v); want none", len(incs), err)
	}
	bad.failTable = ""
	if err := db.Import(ctx, bad, nil); err != nil {
		t.Fatalf("a second try after the failure: %v", err)
	}
}

func TestImportRefusesDataWithoutAPlace(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*fakeSource)
		want string
	}{
		{"table", func(f *fakeSource) {
			f.tables["mystery"] = fakeTable{columns: []string{"x"}, rows: [][]any{{int64(1)}}}
		}, "table mystery (1 row) has no counterpart"},
		{"column", func(f *fakeSource) {
			t := f.tables["events"]
			t.columns = append(t.columns, "mood")
			for i := range t.rows {
				t.rows[i] = append(t.rows[i], "calm")
			}
			f.tables["events"] = t
		}, "column events.mood has no counterpart"},
		{"flag", func(f *fakeSource) {
			f.tables["builtin_messages"].rows[0][5] = "yes"
		}, "column system: string yes is not a flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := openDSN(t, pgtest.Database(t), incident.SystemClock{})
			src := sampleSource()
			tc.edit(src)
			err := db.Import(ctx, src, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("import: %v; want an error with %q", err, tc.want)
			}
			if incs, _ := db.Incidents(ctx, incident.Filter{}); len(incs) != 0 {
				t.Errorf("%d incidents written", len(incs))
			}
		})
	}
}

var _ postgres.Source = (*fakeSource)(nil)

func contains(list []string, s string) bool { return index(list, s) >= 0 }

func index(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
