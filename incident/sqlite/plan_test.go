package sqlite

import (
	"context"
	"fmt"
	"github.com/warroom/warroom/incident/internal/sqlstore"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// TestHookPathUsesIndexes runs the hook path (a new group, a repeat, its
// resolution, a refire) with a database holding archived incidents, and
// asks SQLite for the plan of every statement it ran: none may scan
// incidents, jobs or events, or a notification's cost grows with the
// archive.
func TestHookPathUsesIndexes(t *testing.T) {
	ctx := context.Background()
	db := openLive(t)
	seedArchived(t, db, 200)
	type call struct {
		query string
		args  []any
	}
	var mu sync.Mutex
	seen := map[string]call{}
	db.trace = func(q string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		seen[q] = call{q, append([]any(nil), args...)}
	}
	svc := incident.NewService(incident.Deps{Store: db, Clock: incident.SystemClock{}})
	start := time.Now().UTC().Add(-time.Minute)
	for _, firing := range []bool{true, true, false, true} {
		g := testGroup("grp-1", start, firing)
		if _, err := svc.IngestAlerts(ctx, g); err != nil {
			t.Fatalf("ingest (firing %v): %v", firing, err)
		}
		start = start.Add(time.Second) // a new firing after the resolution
	}
	db.trace = nil
	if len(seen) < 5 {
		t.Fatalf("traced %d statements; the trace does not see the hook path", len(seen))
	}
	scan := regexp.MustCompile(`\bSCAN (incidents|jobs|events)\b`)
	for _, c := range seen {
		plan, err := queryPlan(ctx, db, c.query, c.args)
		if err != nil {
			t.Fatalf("explain %s: %v", c.query, err)
		}
		if scan.MatchString(plan) {
			t.Errorf("statement scans a table:\n%s\nplan:\n%s", c.query, plan)
		}
	}
}

// TestDedupLookupPlans pins the fix of issue 12: the lookup of a group's
// live incident searches the partial index (its WHERE lacked the index's
// non-empty dedup_key term and scanned), and the lookup of its newest
// incident has an index of its own.
func TestDedupLookupPlans(t *testing.T) {
	db := openLive(t)
	for _, tc := range []struct{ where, want string }{
		{sqlstore.ActiveByDedup, `SEARCH incidents USING INDEX incidents_active_dedup`},
		{byDedup, `SEARCH incidents USING COVERING INDEX incidents_dedup|SEARCH incidents USING INDEX incidents_dedup`},
	} {
		plan, err := queryPlan(context.Background(), db, `SELECT `+sqlstore.IncidentColumns+` FROM incidents WHERE `+tc.where, []any{"alertmanager", "k"})
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(tc.want).MatchString(plan) {
			t.Errorf("WHERE %s: plan is\n%s\nwant %s", tc.where, plan, tc.want)
		}
	}
}

func queryPlan(ctx context.Context, db *DB, query string, args []any) (string, error) {
	rows, err := db.rdb.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		out += detail + "\n"
	}
	return out, rows.Err()
}

// openLive opens a store on the system clock.
func openLive(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testGroup(key string, startsAt time.Time, firing bool) incident.AlertGroup {
	a := incident.Alert{Fingerprint: "fp-" + key, Firing: firing, Name: "HighLatency", Summary: "p99 over 1s",
		Labels: map[string]string{"alertname": "HighLatency", "service": "api", "severity": "warning"}, StartsAt: startsAt}
	if !firing {
		a.EndsAt = startsAt.Add(30 * time.Second)
	}
	return incident.AlertGroup{Source: "alertmanager", DedupKey: key, Title: "HighLatency api",
		Labels: map[string]string{"alertname": "HighLatency", "service": "api"}, Alerts: []incident.Alert{a}}
}

// seedArchived writes n archived incidents with a timeline and finished
// jobs each straight into the tables, as years of use would leave them.
func seedArchived(t testing.TB, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().Add(-24 * time.Hour).UnixNano()
	_, err := db.db.ExecContext(ctx, fmt.Sprintf(`
		WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %d)
		INSERT INTO incidents (title, severity, status, source, dedup_key, created_at, updated_at, resolved_at, closed_at, archived_at)
		SELECT 'old ' || i, 'warning', 'archived', 'alertmanager', 'grp-' || (i %% 1000), %d, %d, %d, %d, %d FROM seq`,
		n, now, now, now, now, now))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.db.ExecContext(ctx, fmt.Sprintf(`
		INSERT INTO events (incident_id, kind, actor, text, at, recorded_at, ref)
		SELECT id, 'alert_firing', 'alertmanager', 'HighLatency', %d, %d, 'fp/' || id FROM incidents WHERE status = 'archived'`, now, now))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.db.ExecContext(ctx, fmt.Sprintf(`
		INSERT INTO jobs (kind, incident_id, lane, key, state, run_at, created_at, updated_at)
		SELECT 'channel.open', id, 'chat', 'INC-' || id || '/channel/open', 'done', %d, %d, %d FROM incidents WHERE status = 'archived'`, now, now, now))
	if err != nil {
		t.Fatal(err)
	}
}

// TestHookStatementsPreparedOnce: after one round of the hook path (new
// group, repeat, resolution, refire) every later notification runs on
// statements already prepared.
func TestHookStatementsPreparedOnce(t *testing.T) {
	ctx := context.Background()
	db := openLive(t)
	svc := incident.NewService(incident.Deps{Store: db, Clock: incident.SystemClock{}})
	start := time.Now().UTC().Add(-time.Hour)
	round := func(key string) {
		for i, firing := range []bool{true, true, false, true} {
			g := testGroup(key, start.Add(time.Duration(i)*time.Second), firing)
			if _, err := svc.IngestAlerts(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
	}
	round("warm-up")
	before := db.wstmt.prepares.Load() + db.rstmt.prepares.Load()
	for i := range 10 {
		round(fmt.Sprintf("grp-%d", i))
	}
	if after := db.wstmt.prepares.Load() + db.rstmt.prepares.Load(); after != before {
		t.Errorf("%d statements prepared again after the first round", after-before)
	}
	if before == 0 {
		t.Error("nothing was prepared: the hook path does not go through the cache")
	}
}
