package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// BenchmarkSearchArchivePostgres is BenchmarkSearchArchive on PostgreSQL
// (a throwaway cluster from pgtest; the archives are generated on every
// run), against the raw tsquery that reads the same window of places:
//
//	go test ./cmd/warroom/ -run '^$' -bench BenchmarkSearchArchivePostgres -benchtime 200x
func BenchmarkSearchArchivePostgres(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			dsn := pgtest.Database(b)
			db, err := postgres.Open(ctx, dsn, incident.SystemClock{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := generateArchive(ctx, db, n, 1, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
				b.Fatal(err)
			}
			db.Close()
			raw, err := sql.Open("pgx", dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			// Settle the freshly written archive before timing it, as a
			// store that has run a while is: vacuumed (hint bits set, the
			// visibility map made: autovacuum's first pass over the new
			// rows otherwise overlaps the first words timed), analysed,
			// and its dirty pages written out.
			for _, stmt := range []string{`VACUUM (ANALYZE)`, `CHECKPOINT`} {
				if _, err := raw.Exec(stmt); err != nil {
					b.Fatal(err)
				}
			}
			cfg := testConfig(b)
			cfg.Store = StoreConfig{Driver: driverPostgres, DSN: dsn}
			h := startHarness(b, cfg)
			for _, w := range []struct{ name, word string }{{"rare", genRare}, {"common", "the"}, {"absent", "zyzzyva"}} {
				b.Run(w.name, func(b *testing.B) {
					auth := map[string]string{"Authorization": "Bearer " + testAPIToken}
					path := "/api/v1/search?q=" + url.QueryEscape(w.word)
					var api, window []time.Duration
					for range b.N {
						t0 := time.Now()
						code, body := h.do("GET", path, nil, auth)
						api = append(api, time.Since(t0))
						if code != http.StatusOK {
							b.Fatalf("search %s: %d %s", w.word, code, body)
						}
						t0 = time.Now()
						rows, err := raw.Query(`SELECT id FROM search_units WHERE tsv @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT 1000`, "'"+w.word+"'")
						if err != nil {
							b.Fatal(err)
						}
						for rows.Next() {
						}
						rows.Close()
						window = append(window, time.Since(t0))
					}
					ap, wp := pct(api, 95), pct(window, 95)
					b.ReportMetric(ms(pct(api, 50)), "api-p50-ms")
					b.ReportMetric(ms(ap), "api-p95-ms")
					b.ReportMetric(ms(wp), "pg-window-p95-ms")
					b.ReportMetric(float64(ap)/float64(wp), "x-window")
				})
			}
		})
	}
}
