package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/sqlite"
)

// copyAnswers is what the API (and the builtin channel's page) answers
// about an installation, typed and in full, for comparing two of them.
type copyAnswers struct {
	List       []apiIncident
	Found      []apiIncident // ?q= a word said in the archived channel
	Searched   int           // full-text hits of that word (GET /search), in its transcript
	Incidents  map[string]apiIncident
	Timelines  map[string][]apiEvent
	Jobs       map[string][]apiJob
	Pending    []apiJob
	Stats      apiJobStats
	Transcript map[string]string // format -> document
	SHA256     map[string]string
	Raw        map[string]any // every answer above as the JSON it was
	Messages   []string       // the open channel's messages, as its page shows them
}

// answers reads copyAnswers from h about the incidents keys; room is the
// open builtin channel whose page is read with the session h holds.
func answers(t *testing.T, h *harness, keys []string, room string) copyAnswers {
	t.Helper()
	a := copyAnswers{Incidents: map[string]apiIncident{}, Timelines: map[string][]apiEvent{}, Jobs: map[string][]apiJob{},
		Transcript: map[string]string{}, SHA256: map[string]string{}, Raw: map[string]any{}}
	raw := func(path string) {
		var v any
		h.get(path, &v)
		a.Raw[path] = v
	}
	a.List = h.incidents("")
	raw("/incidents")
	a.Found = h.incidents("?q=standby")
	raw("/incidents?q=standby")
	var search struct {
		Hits []struct {
			Field string `json:"field"`
		} `json:"hits"`
	}
	h.get("/search?q=standby", &search)
	for _, hit := range search.Hits {
		if hit.Field == "transcript" {
			a.Searched++
		}
	}
	raw("/search?q=standby")
	for _, k := range keys {
		a.Incidents[k] = h.getIncident(k)
		a.Timelines[k] = h.timeline(k)
		a.Jobs[k] = h.jobs(k)
		for _, p := range []string{"/incidents/" + k, "/incidents/" + k + "/timeline", "/incidents/" + k + "/jobs"} {
			raw(p)
		}
	}
	var pending struct {
		Jobs []apiJob `json:"jobs"`
	}
	h.get("/jobs?state=pending", &pending)
	a.Pending = pending.Jobs
	raw("/jobs?state=pending")
	h.get("/jobs/stats", &a.Stats)
	raw("/jobs/stats")
	// How long a live incident has been open counts on with the clock: it
	// moves between the reads of the two installations, so it is left out.
	for _, v := range a.Raw {
		dropKey(v, "open_for_seconds")
	}
	// The counts are groups in no promised order (each database groups
	// its own way): compared as a set.
	if counts, ok := a.Raw["/jobs/stats"].(map[string]any)["counts"].([]any); ok {
		sort.Slice(counts, func(i, j int) bool { return fmt.Sprint(counts[i]) < fmt.Sprint(counts[j]) })
	}
	for _, f := range []string{"md", "json"} {
		req, _ := http.NewRequest("GET", h.URL+"/api/v1/incidents/INC-1/transcript?format="+f, nil)
		req.Header.Set("Authorization", "Bearer "+testAPIToken)
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("transcript %s: %d %s", f, resp.StatusCode, b.Bytes())
		}
		a.Transcript[f], a.SHA256[f] = b.String(), resp.Header.Get("X-Warroom-SHA256")
	}
	code, page := h.do("GET", "/channels/"+room+"/log", nil, nil)
	if code != 200 {
		t.Fatalf("the channel's page: %d (is the session valid here?)\n%s", code, page)
	}
	for _, m := range messageText.FindAllSubmatch(page, -1) {
		a.Messages = append(a.Messages, string(m[1]))
	}
	return a
}

var messageText = regexp.MustCompile(`<p>([^<]*)</p>`)

// dropKey deletes key from every object in the decoded JSON v.
func dropKey(v any, key string) {
	switch v := v.(type) {
	case map[string]any:
		delete(v, key)
		for _, e := range v {
			dropKey(e, key)
		}
	case []any:
		for _, e := range v {
			dropKey(e, key)
		}
	}
}

// TestStoreCopyServesTheSameAnswers: a SQLite installation, made through
// the public API (an archived incident with its transcript, an open one
// with a builtin channel and messages, one whose jobs wait because their
// kind is paused), copied to PostgreSQL, serves the same answers there:
// list, search, each incident, timeline, jobs, the transcript, the
// channel's messages to the same session. The next incident gets the
// next key.
func TestStoreCopyServesTheSameAnswers(t *testing.T) {
	dsn := pgtest.Database(t)
	cfg := testConfig(t)
	path := cfg.Store.DSN

	a := startHarness(t, cfg)
	a.login("alice")
	if code, _ := a.api("POST", "/incidents", map[string]any{"title": "checkout errors", "severity": "high", "actor": "alice",
		"labels": map[string]string{"team": "shop"}}); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	room1 := a.channelID("INC-1")
	a.waitJobsDone("INC-1")
	d := &builtinDriver{h: a}
	msg := d.say(t, room1, "failing over to the standby region", "")
	d.say(t, room1, "standby is serving", msg)
	d.upload(t, room1, "errors.csv", bytes.Repeat([]byte("ts,errors\n"), 30))
	d.closeButton(t, room1)
	a.waitStatus("INC-1", "archived")
	a.waitJobsDone("INC-1")

	if code, out := a.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["incident"] != "INC-2" {
		t.Fatalf("alert: %d %v", code, out)
	}
	room2 := a.channelID("INC-2")
	a.waitJobsDone("INC-2")
	d.say(t, room2, "looking at the p99 dashboards", "")
	if code, _ := a.api("POST", "/incidents/INC-2/ack", map[string]string{"actor": "alice"}); code != 200 {
		t.Fatalf("ack: %d", code)
	}
	a.waitJobsDone("INC-2")
	jar := a.client.Jar
	a.stop()

	// Jobs that wait: their kind is paused (on the copy too).
	cfg.Jobs.Paused = []string{"channel.open"}
	a = startHarness(t, cfg)
	a.client.Jar = jar
	if code, _ := a.api("POST", "/incidents", map[string]any{"title": "queue backlog", "severity": "warning", "actor": "bob"}); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	a.waitFor("INC-3's jobs to settle", func() bool {
		pending := 0
		for _, j := range a.jobs("INC-3") {
			switch {
			case j.State == "pending" && j.Backend == "chat":
				pending++
			case j.State != "done":
				return false
			}
		}
		return pending > 0
	})
	keys := []string{"INC-1", "INC-2", "INC-3"}
	before := answers(t, a, keys, room2)
	a.stop()
	if len(before.Pending) == 0 || len(before.Found) != 1 || before.Searched == 0 || before.Incidents["INC-1"].Status != "archived" || len(before.Messages) < 2 {
		t.Fatalf("the installation lacks what the test copies: %d pending jobs, search found %d (%d in transcripts), INC-1 %s, %d messages",
			len(before.Pending), len(before.Found), before.Searched, before.Incidents["INC-1"].Status, len(before.Messages))
	}

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"store", "copy", "-from", path, "-to", dsn}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("store copy: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"  incidents: 3/3 rows\n", "  builtin_messages: ", "  transcript_chunks: ", "  sessions: 1/1 rows\n"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "copied ") {
		t.Errorf("stdout: %q", stdout.String())
	}

	cfg.Store = StoreConfig{Driver: driverPostgres, DSN: dsn}
	b := startHarness(t, cfg)
	b.client.Jar = jar // the session made on SQLite
	after := answers(t, b, keys, room2)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("PostgreSQL answers differently from the SQLite it was copied from (-sqlite +postgres):\n%s", diff)
	}
	if code, out := b.api("POST", "/incidents", map[string]any{"title": "after the move", "severity": "info", "actor": "bob"}); code != 201 || out["key"] != "INC-4" {
		t.Errorf("the first incident on PostgreSQL: %d %v; want INC-4", code, out)
	}
}

// TestStoreCopyRefusesANonEmptyTarget: a second copy into the same
// database is refused with what to do, and changes nothing there.
func TestStoreCopyRefusesANonEmptyTarget(t *testing.T) {
	dsn := pgtest.Database(t)
	cfg := testConfig(t)
	a := startHarness(t, cfg)
	if code, _ := a.api("POST", "/incidents", map[string]any{"title": "one", "severity": "info", "actor": "bob"}); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	a.waitJobsDone("INC-1")
	a.stop()
	copyOnce := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"store", "copy", "-from", cfg.Store.DSN, "-to", dsn}, nil, &stdout, &stderr)
		return code, stderr.String()
	}
	if code, out := copyOnce(); code != 0 {
		t.Fatalf("first copy: %d\n%s", code, out)
	}
	code, out := copyOnce()
	for _, want := range []string{"not empty (", "incidents: 1 row", "create a new one", "Nothing was written"} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("second copy: exit %d, stderr lacks %q:\n%s", code, want, out)
		}
	}
	cfg.Store = StoreConfig{Driver: driverPostgres, DSN: dsn}
	b := startHarness(t, cfg)
	if incs := b.incidents(""); len(incs) != 1 {
		t.Errorf("the target lists %d incidents after the refused copy, want 1", len(incs))
	}
}

// TestStoreCopyBadArguments: each mistake is a non-zero exit and a
// message that says what to give; none creates a file or a table.
func TestStoreCopyBadArguments(t *testing.T) {
	dir := t.TempDir()
	notDB := dir + "/notes.txt"
	if err := os.WriteFile(notDB, []byte("not a database, only notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := dir + "/empty.db"
	if err := os.WriteFile(emptyFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no subcommand", []string{"store"}, 2, "give a subcommand: copy"},
		{"no flags", []string{"store", "copy"}, 2, "give both -from FILE"},
		{"from postgres", []string{"store", "copy", "-from", "postgres://u:pw@h/db", "-to", "postgres://h/db"}, 2, "copying from PostgreSQL is not supported"},
		{"to a path", []string{"store", "copy", "-from", notDB, "-to", dir + "/x.db"}, 2, "-to is not a postgres:// URL"},
		{"to no database", []string{"store", "copy", "-from", notDB, "-to", "postgres://u:secretpw@localhost"}, 2, "names no database"},
		{"missing source", []string{"store", "copy", "-from", dir + "/none.db", "-to", "postgres://127.0.0.1:1/db?sslmode=disable"}, 1, "no SQLite database at " + dir + "/none.db"},
		{"empty file", []string{"store", "copy", "-from", emptyFile, "-to", "postgres://127.0.0.1:1/db?sslmode=disable"}, 1, "is empty, not a warroom database"},
		{"not sqlite", []string{"store", "copy", "-from", notDB, "-to", "postgres://127.0.0.1:1/db?sslmode=disable"}, 1, "check that -from is warroom's SQLite file"},
		{"unreachable target", []string{"store", "copy", "-from", emptyDB(t), "-to", "postgres://u:secretpw@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"}, 1, "Check -to, that PostgreSQL is up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, nil, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", code, tc.code, tc.want, stderr.String())
			}
			if strings.Contains(stderr.String(), "secretpw") {
				t.Errorf("stderr shows the password:\n%s", stderr.String())
			}
		})
	}
}

// emptyDB is a warroom SQLite file with no incidents.
func emptyDB(t *testing.T) string {
	t.Helper()
	cfg := testConfig(t)
	db, err := openStore(context.Background(), cfg.Store, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	return cfg.Store.DSN
}

// TestStoreCopyKnowsEverySQLiteTable: every table of a freshly migrated
// SQLite store has its place in PostgreSQL, so a migration that adds a
// table to one driver only fails here, before an installation holds rows
// in it that a copy would have to refuse.
func TestStoreCopyKnowsEverySQLiteTable(t *testing.T) {
	path := emptyDB(t)
	db, err := sqlite.Open(context.Background(), path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := db.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tables, err := exp.Tables(context.Background())
	exp.Close()
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"store", "copy", "-from", path, "-to", pgtest.Database(t)}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("store copy: exit %d\n%s", code, stderr.String())
	}
	for _, table := range tables {
		// The migrations applied and the search index are each store's own:
		// the copy rebuilds the index (and says so), it does not copy it.
		if table != "schema_migrations" && table != "search_units" && table != "search_pending" && !strings.Contains(stderr.String(), "  "+table+": 0/0 rows\n") {
			t.Errorf("SQLite table %s is not copied (no PostgreSQL table of that name):\n%s", table, stderr.String())
		}
	}
}
