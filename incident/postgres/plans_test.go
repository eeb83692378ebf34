package postgres

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// TestGenericPlansOnAYoungDatabaseLookUp: a statement is prepared once
// on each pooled connection, and PostgreSQL keeps the generic plan it
// makes then for the connection's life, often while the tables are
// still nearly empty and never analyzed (a new installation's first
// storm). Made that way, the hot statements must still look rows up by
// index, never hash or scan a table whose size grows with the queue:
// the enqueue's lane-head test once hashed every head of jobs on each
// statement, 4.5 ms a create (docs/benchmarks.md, session 9).
func TestGenericPlansOnAYoungDatabaseLookUp(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Database(t)
	db, err := Open(ctx, dsn, incident.SystemClock{}) // migrates: every table exists and is empty
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		statement string
		args      string   // EXECUTE's arguments
		forbidden []string // plan nodes that would grow with the table
	}{
		{"enqueue", insertJobs,
			`'{channel.open,ticket.open}', '{chat,tickets}', '{1,1}', '{chat,ticket}', '{k1,k2}', '{"",""}', '{0,0}', '{1,1}', '{1,1}', '{true,true}'`,
			[]string{"Seq Scan on jobs", "Hash"}},
		{"claim", claimQuery, `2, 2, 1, '{chat.post,ticket.open}', '{chat.post,ticket.open}', 1`, []string{"Seq Scan on jobs", "Hash"}},
		{"search queue take", searchQueueTake, `1000, 1000`, []string{"Seq Scan on search_queue", "Hash"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "young" + string(rune('a'+i))
			if _, err := conn.ExecContext(ctx, "PREPARE "+name+" AS "+rebind(tc.statement)); err != nil {
				t.Fatalf("prepare: %v", err)
			}
			rows, err := conn.QueryContext(ctx, "EXPLAIN EXECUTE "+name+"("+tc.args+")")
			if err != nil {
				t.Fatalf("explain: %v", err)
			}
			var plan strings.Builder
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan.WriteString(line + "\n")
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			for _, f := range tc.forbidden {
				if strings.Contains(plan.String(), f) {
					t.Errorf("the generic plan on empty tables has %q:\n%s", f, plan.String())
				}
			}
			if !strings.Contains(plan.String(), "Index") {
				t.Errorf("the generic plan looks nothing up by index:\n%s", plan.String())
			}
		})
	}
}
