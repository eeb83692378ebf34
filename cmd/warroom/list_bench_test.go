package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// BenchmarkListQueryArchive times the incident list's free-text filter
// (GET /api/v1/incidents?q=) on the archives of BenchmarkSearchArchive,
// for the same rare, common and absent words, each request followed by the
// raw FTS5 query of the matching places over the same index (floorAll: every
// match, as the list's filter reads them), so they are measured side by
// side. It reports the API's p50 and p95, the floor's p95 and their ratio. Run as
//
//	go test ./cmd/warroom/ -run '^$' -bench BenchmarkListQueryArchive -benchtime 100x
func BenchmarkListQueryArchive(b *testing.B) {
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
					path := "/api/v1/incidents?limit=100&q=" + url.QueryEscape(w.word)
					var api, floor []time.Duration
					hits := 0
					for range b.N {
						t0 := time.Now()
						code, body := h.do("GET", path, nil, auth)
						api = append(api, time.Since(t0))
						if code != http.StatusOK {
							b.Fatalf("list q=%s: %d %s", w.word, code, body)
						}
						t0 = time.Now()
						hits = rawSearch(b, raw, floorAll, w.word)
						floor = append(floor, time.Since(t0))
					}
					if (w.name == "absent") != (hits == 0) {
						b.Fatalf("%s word %q: %d raw hits", w.name, w.word, hits)
					}
					ap, fp := pct(api, 95), pct(floor, 95)
					b.ReportMetric(ms(pct(api, 50)), "api-p50-ms")
					b.ReportMetric(ms(ap), "api-p95-ms")
					b.ReportMetric(ms(fp), "fts5-all-p95-ms")
					b.ReportMetric(float64(ap)/float64(fp), "x-all")
				})
			}
		})
	}
}

// floorAll reads every place that matches, newest first: what the list's
// filter must find before it can order incidents.
const floorAll = `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC`
