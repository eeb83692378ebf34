package prometheus

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

// TestRealPrometheus queries a real Prometheus (Debian's 2.42, see promtest)
// and draws what it answers.
func TestRealPrometheus(t *testing.T) {
	t.Parallel()
	srv := promtest.Start(t)
	c := New(srv.URL, nil)
	ctx := context.Background()
	loc := zone(t, "Europe/Berlin")

	// Traffic for prometheus_http_requests_total, and time for a few scrapes.
	series := waitForPoints(t, func() ([]Series, error) {
		poke(t, srv.URL, 5)
		return c.QueryRange(ctx, `rate(prometheus_http_requests_total[5s])`, srv.Started, time.Now(), time.Second)
	}, 5)

	t.Run("up", func(t *testing.T) {
		end := time.Now()
		got, err := c.QueryRange(ctx, "up", end.Add(-time.Minute), end, StepFor(end.Add(-time.Minute), end, 60))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Labels["job"] != "prometheus" || len(got[0].Points) == 0 || got[0].Points[len(got[0].Points)-1].V != 1 {
			t.Fatalf("up = %+v", got)
		}
	})

	t.Run("render", func(t *testing.T) {
		start, end := srv.Started.Add(-10*time.Second), time.Now()
		th := peak(series) / 2
		marker := srv.Started.Add(end.Sub(srv.Started) / 2)
		b, err := Render(Graph{Title: "rate(prometheus_http_requests_total[5s])", Series: series,
			Start: start, End: end, Location: loc, Unit: "req/s", Threshold: &th, Marker: &marker, Width: 900, Height: 450})
		if err != nil {
			t.Fatal(err)
		}
		st := decodePNG(t, b, 900, 450)
		if st.colours < 20 || st.inked < 15000 {
			t.Errorf("picture looks blank: %d colours, %d inked pixels", st.colours, st.inked)
		}
		if n := st.inPlot(palette[0]); n < 200 {
			t.Errorf("no line: %d pixels of the first series' colour", n)
		}
		if n := st.near(thresholdColor); n < 300 {
			t.Errorf("no threshold line: %d red pixels", n)
		}
		if n := st.near(markerColor); n < 100 {
			t.Errorf("no marker: %d pixels", n)
		}
	})

	t.Run("no data", func(t *testing.T) {
		end := time.Now()
		got, err := c.QueryRange(ctx, `up{job="nope"}`, end.Add(-time.Minute), end, time.Second)
		if err != nil || len(got) != 0 {
			t.Fatalf("QueryRange = %v, %v; want no series, no error", got, err)
		}
		if _, err := Render(Graph{Title: "nope", Series: got, Start: end.Add(-time.Minute), End: end}); !errors.Is(err, ErrNoData) {
			t.Errorf("Render = %v, want ErrNoData", err)
		}
	})

	t.Run("bad PromQL", func(t *testing.T) {
		end := time.Now()
		_, err := c.QueryRange(ctx, `sum(rate(x[5m])`, end.Add(-time.Minute), end, time.Second)
		if incident.ErrorKind(err) != incident.KindInvalid || !strings.Contains(err.Error(), "unclosed left parenthesis") {
			t.Errorf("err = %v, want KindInvalid quoting Prometheus's parse error", err)
		}
	})

	t.Run("execution error", func(t *testing.T) {
		// Many series on both sides of a one-to-one match: a 422 from the engine.
		end := time.Now()
		_, err := c.QueryRange(ctx, `prometheus_http_requests_total + on() prometheus_http_requests_total`,
			end.Add(-time.Minute), end, time.Second)
		if incident.ErrorKind(err) != incident.KindInvalid || !strings.Contains(err.Error(), "many-to-many matching not allowed") {
			t.Errorf("err = %v, want KindInvalid quoting Prometheus's execution error", err)
		}
	})
}

// waitForPoints calls query until some series has at least n points, for up
// to 30 s, and returns its last answer.
func waitForPoints(t *testing.T, query func() ([]Series, error), n int) []Series {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := query()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if len(s.Points) >= n {
				return got
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no series with %d points within 30 s: %+v", n, got)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// poke sends n requests to the server's query API, so that its request
// counters move.
func poke(t *testing.T, base string, n int) {
	t.Helper()
	for range n {
		resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape("vector(1)"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

// peak is the largest finite value of all series.
func peak(series []Series) float64 {
	best := 0.0
	for _, s := range series {
		if l, _, ok := cut(s.Points, time.Time{}, time.Time{}); ok {
			best = max(best, l.peak)
		}
	}
	return best
}

// zone loads a time zone, or falls back to a fixed CET when the machine has
// no zone database.
func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Logf("no zone %s (%v), using a fixed CET", name, err)
		return time.FixedZone("CET", 3600)
	}
	return loc
}
