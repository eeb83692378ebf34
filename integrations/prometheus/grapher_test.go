package prometheus

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

// fixedClock is a clock that says t.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// TestGrapherRealPrometheus: the incident.Graphs adapter against a real
// Prometheus. The alert's expression (from its generator URL, threshold cut
// off) and the incident's queries are graphed around its start, at most
// four; a query with no data or one Prometheus rejects gives a note; /incident
// graph renders one on demand and says what to check when it has no data.
func TestGrapherRealPrometheus(t *testing.T) {
	t.Parallel()
	prom := promtest.Start(t)
	// A clock two minutes after the server started: the windows reach past
	// its first samples however fast the test runs (a step of a range query
	// sees the samples of the five minutes before it).
	now := prom.Started.Add(2 * time.Minute)
	g := NewGrapher(New(prom.URL, nil), GrapherOptions{Location: time.UTC, Before: time.Hour, After: 15 * time.Minute,
		Clock: fixedClock{now}})
	ctx := context.Background()
	gen := prom.URL + "/graph?g0.expr=" + url.QueryEscape("up == 1") + "&g0.tab=1"
	inc := &incident.Incident{Key: "INC-7", Title: "HighLatency", CreatedAt: prom.Started,
		Queries: []string{"no_such_metric_anywhere", "sum(rate(x[5m])", "up * 2"},
		Links:   []incident.Link{{Title: "Graph", URL: gen}, {Title: "Runbook", URL: gen + "&ignored=1"}}}

	files, notes, err := g.ForIncident(ctx, inc)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "INC-7-graph-3.png" || files[1].Name != "INC-7-graph-4.png" || files[0].Type != "image/png" {
		t.Fatalf("files %+v, want the graphs of queries 3 (up * 2) and 4 (up, from the generator URL)", names(files))
	}
	for _, f := range files {
		if st := decodePNG(t, f.Data, 1000, 500); st.colours < 8 {
			t.Errorf("%s looks blank: %d colours", f.Name, st.colours)
		}
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "No graph for `no_such_metric_anywhere`: no data") ||
		!strings.Contains(notes[1], "No graph for `sum(rate(x[5m])`") || !strings.Contains(notes[1], "unclosed left parenthesis") {
		t.Errorf("notes %q", notes)
	}

	inc.Queries = []string{"up", "up + 1", "up - 1", "up * 3", "up / 2"}
	files, notes, err = g.ForIncident(ctx, inc)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != maxIncidentGraphs || len(notes) != 1 || notes[0] != "2 more queries not graphed; ask with /incident graph" {
		t.Errorf("with six queries: %d files, notes %q", len(files), notes)
	}

	f, err := g.Query(ctx, inc, "scrape_duration_seconds", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := "INC-7-graph-" + strconv.FormatInt(now.Unix(), 10) + ".png"; f.Name != want {
		t.Errorf("file %q, want %q", f.Name, want)
	}
	decodePNG(t, f.Data, 1000, 500)
	_, err = g.Query(ctx, inc, "no_such_metric_anywhere", 5*time.Minute)
	if incident.ErrorKind(err) != incident.KindInvalid || !strings.Contains(err.Error(), "check the metric and label names") {
		t.Errorf("no data: %v, want KindInvalid that says what to check", err)
	}
}

// TestGrapherPrometheusDown: when Prometheus does not answer, the graphs
// are an error to retry, not a note.
func TestGrapherPrometheusDown(t *testing.T) {
	srv := httptest.NewServer(nil)
	base := srv.URL
	srv.Close()
	g := NewGrapher(New(base, nil), GrapherOptions{Before: time.Hour, After: time.Minute})
	inc := &incident.Incident{Key: "INC-1", Title: "x", CreatedAt: time.Now().Add(-time.Minute), Queries: []string{"up"}}
	if _, _, err := g.ForIncident(context.Background(), inc); incident.ErrorKind(err) != incident.KindTransient {
		t.Errorf("ForIncident: %v, want KindTransient", err)
	}
	if _, err := g.Query(context.Background(), inc, "up", time.Minute); incident.ErrorKind(err) != incident.KindTransient {
		t.Errorf("Query: %v, want KindTransient", err)
	}
}

func TestGuessUnit(t *testing.T) {
	tests := map[string]string{
		`histogram_quantile(0.99, sum by (le)(rate(http_request_duration_seconds_bucket[5m])))`: "s",
		`rate(process_cpu_seconds_total[1m])`:                                                   "s/s",
		`node_memory_MemAvailable_bytes`:                                                        "bytes",
		`rate(node_network_receive_bytes_total[5m])`:                                            "bytes/s",
		`sum(rate(http_requests_total{code=~"5.."}[5m]))`:                                       "/s",
		`node_filesystem_avail_ratio`:                                                           "ratio",
		`cpu_usage_percent`:                                                                     "%",
		`up`:                                                                                    "",
	}
	for q, want := range tests {
		t.Run(q, func(t *testing.T) {
			if got := guessUnit(q); got != want {
				t.Errorf("guessUnit(%q) = %q, want %q", q, got, want)
			}
		})
	}
}

func names(files []incident.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}
