package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// BenchmarkSearchArchive times the search through the API on archives of
// 1,000 and 10,000 generated incidents (generateArchive, seed 1, kept in
// $WARROOM_BENCH_DIR or the temporary directory between runs) for a rare
// word (in 5 incidents at either size), a common one ("the", in most
// messages) and an absent one, each request followed by the raw FTS5
// queries over the same index (floorWindow each time, floorRanked every
// tenth), so they are measured side by side. It reports the API's p50 and
// p95, the floors' p95 and the ratios of the p95s, and the ratio of the
// CPU time the process spent in the API's requests to the time it spent
// in the window floor's (x-window-cpu: what each costs, apart from the
// waits for a core on a shared machine, which swell a p95). Run as
//
//	go test ./cmd/warroom/ -run '^$' -bench BenchmarkSearchArchive -benchtime 300x
func BenchmarkSearchArchive(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := benchArchive(b, n)
			cfg := testConfig(b)
			cfg.Store.DSN = path
			h := startHarness(b, cfg)
			raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
			if err != nil {
				b.Fatal(err)
			}
			defer raw.Close()
			for _, w := range []struct{ name, word string }{{"rare", genRare}, {"common", "the"}, {"absent", "zyzzyva"}} {
				b.Run(w.name, func(b *testing.B) {
					auth := map[string]string{"Authorization": "Bearer " + testAPIToken}
					path := "/api/v1/search?q=" + url.QueryEscape(w.word)
					var api, window, ranked []time.Duration
					var apiCPU, windowCPU time.Duration
					hits := 0
					for i := range b.N {
						t0, c0 := time.Now(), processCPU()
						code, body := h.do("GET", path, nil, auth)
						api = append(api, time.Since(t0))
						apiCPU += processCPU() - c0
						if code != http.StatusOK {
							b.Fatalf("search %s: %d %s", w.word, code, body)
						}
						t0, c0 = time.Now(), processCPU()
						hits = rawSearch(b, raw, floorWindow, w.word)
						window = append(window, time.Since(t0))
						windowCPU += processCPU() - c0
						if i%10 == 0 { // ranking every match is slow for a common word: one in ten
							t0 = time.Now()
							rawSearch(b, raw, floorRanked, w.word)
							ranked = append(ranked, time.Since(t0))
						}
					}
					if (w.name == "absent") != (hits == 0) {
						b.Fatalf("%s word %q: %d raw hits", w.name, w.word, hits)
					}
					ap, wp, rp := pct(api, 95), pct(window, 95), pct(ranked, 95)
					b.ReportMetric(ms(pct(api, 50)), "api-p50-ms")
					b.ReportMetric(ms(ap), "api-p95-ms")
					b.ReportMetric(ms(wp), "fts5-window-p95-ms")
					b.ReportMetric(ms(rp), "fts5-ranked-p95-ms")
					b.ReportMetric(float64(ap)/float64(wp), "x-window")
					b.ReportMetric(float64(ap)/float64(rp), "x-ranked")
					b.ReportMetric(float64(apiCPU)/float64(windowCPU), "x-window-cpu")
				})
			}
		})
	}
}

// The floors, raw FTS5 queries over the same index on a connection of
// their own, their rows read: the same rows the search reads (the newest
// SearchWindow matches, no ranking, no join), and the plain ranked query
// (bm25 over every match, the best 20).
const (
	floorWindow = `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 1000`
	floorRanked = `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT 20`
)

func rawSearch(b *testing.B, db *sql.DB, query, word string) int {
	rows, err := db.Query(query, `"`+word+`"`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// benchArchive returns the path of a SQLite store holding n generated
// archived incidents, generating it on the first run.
func benchArchive(b *testing.B, n int) string {
	dir := os.Getenv("WARROOM_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "warroom-search-bench")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("archive-%d.db", n))
	if _, err := os.Stat(path + ".done"); err == nil {
		return path
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := generateArchive(ctx, db, n, 1, slog.New(slog.NewTextHandler(io.Discard, nil)))
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s: %d incidents, %d events, %d messages, %.1f MB Markdown", path, st.incidents, st.events, st.messages, float64(st.mdBytes)/1e6)
	if err := os.WriteFile(path+".done", nil, 0o640); err != nil {
		b.Fatal(err)
	}
	return path
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
