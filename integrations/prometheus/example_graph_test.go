package prometheus

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

// exampleRules is the alert behind docs/graph-example.png.
const exampleRules = `groups:
  - name: example
    rules:
      - alert: HighRequestRate
        expr: sum by (handler) (rate(prometheus_http_requests_total{handler=~"/api/v1/.*"}[15s])) > 8
        for: 5s
        annotations:
          summary: API request rate above 8 req/s
`

// TestWriteExampleGraph runs the whole path once against a real Prometheus
// and writes the result to docs/graph-example.png: an alert rule fires on
// a burst of requests, its notification reaches a fake Alertmanager, and the
// generator URL's expression, split from its threshold, is queried and
// drawn with the alert's start marked. It takes about two minutes, so it
// runs only when WARROOM_WRITE_GRAPH=1.
func TestWriteExampleGraph(t *testing.T) {
	if os.Getenv("WARROOM_WRITE_GRAPH") != "1" {
		t.Skip("set WARROOM_WRITE_GRAPH=1 to write docs/graph-example.png (takes about two minutes)")
	}
	t.Parallel()
	alerts := make(chan notified, 100)
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var got []notified
		b, _ := io.ReadAll(r.Body)
		if json.Unmarshal(b, &got) == nil {
			for _, a := range got {
				alerts <- a
			}
		}
	}))
	defer am.Close()
	rules := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(rules, []byte(exampleRules), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := promtest.StartWith(t, promtest.Options{RuleFiles: []string{rules}, AlertmanagerURL: am.URL})

	// Quiet for 40 s, a burst on /api/v1/query for 35 s, quiet again for 40 s.
	load(t, srv.URL, []phase{{40 * time.Second, 3}, {35 * time.Second, 14}, {40 * time.Second, 3}})

	var first notified
	select {
	case first = <-alerts:
	default:
		t.Fatal("the burst fired no alert")
	}
	queries := QueriesFromGeneratorURL(first.GeneratorURL)
	if len(queries) != 1 {
		t.Fatalf("generator URL %q gave queries %q", first.GeneratorURL, queries)
	}
	query, threshold, ok := SplitThreshold(queries[0])
	if !ok {
		t.Fatalf("no threshold in %q", queries[0])
	}
	start, end := srv.Started, time.Now()
	series, err := New(srv.URL, nil).QueryRange(context.Background(), query, start, end, StepFor(start, end, 300))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(Graph{
		Title:  first.Labels["alertname"] + ": " + first.Annotations["summary"],
		Series: series, Start: start, End: end, Location: zone(t, "Europe/Berlin"),
		Unit: "req/s", Threshold: &threshold, Marker: &first.StartsAt,
	})
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, b, 1000, 500)
	out := filepath.Join(repoRoot(t), "docs", "graph-example.png")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes): %q over %v, threshold %v, alert started %v", out, len(b), query, end.Sub(start).Round(time.Second), threshold, first.StartsAt)
}

// notified is the part of an alert, as Prometheus posts it to Alertmanager,
// that the example reads.
type notified struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	GeneratorURL string            `json:"generatorURL"`
}

// phase is a stretch of load: perSecond requests to /api/v1/query each
// second.
type phase struct {
	d         time.Duration
	perSecond int
}

// load sends the phases' requests to the server, one phase after another,
// and all along a steady 2/s to /api/v1/query_range and 1/s to
// /api/v1/labels.
func load(t *testing.T, base string, phases []phase) {
	t.Helper()
	get := func(path string, q url.Values) {
		resp, err := http.Get(base + path + "?" + q.Encode())
		if err == nil {
			resp.Body.Close()
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := make(chan struct{})
	defer close(stop)
	wg.Go(func() {
		rng := url.Values{"query": {"up"}, "start": {"0"}, "end": {"60"}, "step": {"15"}}
		tick := time.NewTicker(time.Second / 2)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			get("/api/v1/query_range", rng)
			if n%2 == 0 {
				get("/api/v1/labels", nil)
			}
		}
	})
	now := url.Values{"query": {"vector(1)"}}
	for _, p := range phases {
		tick := time.NewTicker(time.Second / time.Duration(p.perSecond))
		for end := time.Now().Add(p.d); time.Now().Before(end); {
			<-tick.C
			get("/api/v1/query", now)
		}
		tick.Stop()
	}
}

// repoRoot walks up from the package directory to the one holding go.mod.
func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}
