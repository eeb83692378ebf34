package prometheus

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// serve answers every request with status and body, and records the last
// request's query parameters.
func serve(t *testing.T, status int, body string) (*Client, *http.Request) {
	t.Helper()
	var last http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last = *r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return New(srv.URL, srv.Client()), &last
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestQueryRangeRecorded(t *testing.T) {
	tests := []struct {
		file     string
		instance string
		points   int
		first    time.Time
		step     time.Duration
	}{
		{"prometheus-2.42-query-range.json", "127.0.0.1:19090", 5, time.Unix(1795359418, 0), 15 * time.Second},
		{"prometheus-3.16-query-range.json", "127.0.0.1:19091", 3, time.Unix(1795359473, 0), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, req := serve(t, http.StatusOK, readTestdata(t, tt.file))
			start := time.Unix(1795359400, 500e6)
			end := start.Add(2 * time.Minute)
			got, err := c.QueryRange(context.Background(), "up", start, end, 15*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d series, want 1", len(got))
			}
			s := got[0]
			want := map[string]string{"__name__": "up", "instance": tt.instance, "job": "self"}
			if len(s.Labels) != len(want) {
				t.Errorf("labels = %v, want %v", s.Labels, want)
			}
			for k, v := range want {
				if s.Labels[k] != v {
					t.Errorf("label %s = %q, want %q", k, s.Labels[k], v)
				}
			}
			if len(s.Points) != tt.points {
				t.Fatalf("got %d points, want %d", len(s.Points), tt.points)
			}
			if !s.Points[0].T.Equal(tt.first) || s.Points[1].T.Sub(s.Points[0].T) != tt.step {
				t.Errorf("points start %v, step %v; want %v, %v", s.Points[0].T, s.Points[1].T.Sub(s.Points[0].T), tt.first, tt.step)
			}
			for _, p := range s.Points {
				if p.V != 1 {
					t.Errorf("value at %v = %v, want 1", p.T, p.V)
				}
			}
			q := req.URL.Query()
			if req.Method != http.MethodGet || req.URL.Path != "/api/v1/query_range" {
				t.Errorf("request %s %s, want GET /api/v1/query_range", req.Method, req.URL.Path)
			}
			if q.Get("query") != "up" || q.Get("start") != "1795359400.5" || q.Get("end") != "1795359520.5" || q.Get("step") != "15" {
				t.Errorf("query parameters %v", q)
			}
		})
	}
}

func TestQueryRangeSpecialValues(t *testing.T) {
	body := `{"status":"success","data":{"resultType":"matrix","result":[
		{"metric":{"job":"a"},"values":[[1714644000,"12.5"],[1714644030.25,"NaN"],[1714644060,"+Inf"],[1714644090,"-Inf"],[1714644120,"1e-3"]]},
		{"metric":{},"values":[]}]},"warnings":["some warning"]}`
	c, _ := serve(t, http.StatusOK, body)
	got, err := c.QueryRange(context.Background(), "x", time.Unix(1714644000, 0), time.Unix(1714644120, 0), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0].Points) != 5 || got[1].Labels == nil || len(got[1].Points) != 0 {
		t.Fatalf("got %+v", got)
	}
	p := got[0].Points
	if p[0].V != 12.5 || !math.IsNaN(p[1].V) || !math.IsInf(p[2].V, 1) || !math.IsInf(p[3].V, -1) || p[4].V != 0.001 {
		t.Errorf("values %v", p)
	}
	if want := time.UnixMilli(1714644030250); !p[1].T.Equal(want) {
		t.Errorf("fractional timestamp = %v, want %v", p[1].T, want)
	}
}

func TestQueryRangeErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		kind    incident.Kind
		mention string
	}{
		{"bad PromQL", 400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:6: parse error: unclosed left parenthesis"}`,
			incident.KindInvalid, "unclosed left parenthesis"},
		{"execution error", 422, `{"status":"error","errorType":"execution","error":"found duplicate series for the match group"}`,
			incident.KindInvalid, "found duplicate series"},
		{"too many points", 400, `{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}`,
			incident.KindInvalid, "exceeded maximum resolution"},
		{"timeout", 503, `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`,
			incident.KindTransient, "timed out"},
		{"internal", 500, `{"status":"error","errorType":"internal","error":"boom"}`, incident.KindTransient, "boom"},
		{"proxy page", 502, `<html>Bad Gateway</html>`, incident.KindTransient, "Bad Gateway"},
		{"throttled", 429, `slow down`, incident.KindTransient, "slow down"},
		{"unauthorized", 401, `Unauthorized`, incident.KindPermanent, "credentials"},
		{"forbidden", 403, `{"status":"error","errorType":"forbidden","error":"no access"}`, incident.KindPermanent, "no access"},
		{"wrong base URL", 404, `404 page not found`, incident.KindPermanent, "base URL"},
		{"not JSON", 200, `<html>login</html>`, incident.KindPermanent, "login"},
		{"vector result", 200, `{"status":"success","data":{"resultType":"vector","result":[]}}`, incident.KindPermanent, "vector"},
		{"bad sample", 200, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,2]]}]}}`,
			incident.KindPermanent, "not a query API answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := serve(t, tt.status, tt.body)
			_, err := c.QueryRange(context.Background(), "up", time.Unix(0, 0), time.Unix(60, 0), 15*time.Second)
			if err == nil {
				t.Fatal("no error")
			}
			if k := incident.ErrorKind(err); k != tt.kind {
				t.Errorf("kind = %s, want %s (%v)", k, tt.kind, err)
			}
			if !strings.Contains(incident.ErrorMessage(err), tt.mention) {
				t.Errorf("message %q does not mention %q", incident.ErrorMessage(err), tt.mention)
			}
		})
	}
}

func TestQueryRangeRefusesBeforeAsking(t *testing.T) {
	c := New("http://127.0.0.1:1", nil) // never contacted
	t0 := time.Unix(1714644000, 0)
	tests := []struct {
		name       string
		query      string
		start, end time.Time
		step       time.Duration
	}{
		{"empty query", " ", t0, t0.Add(time.Hour), time.Minute},
		{"zero step", "up", t0, t0.Add(time.Hour), 0},
		{"end before start", "up", t0, t0.Add(-time.Hour), time.Minute},
		{"too many points", "up", t0, t0.Add(24 * time.Hour), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.QueryRange(context.Background(), tt.query, tt.start, tt.end, tt.step)
			if incident.ErrorKind(err) != incident.KindInvalid {
				t.Errorf("err = %v, want KindInvalid", err)
			}
		})
	}
}

func TestQueryRangeUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	_, err := New(url, nil).QueryRange(context.Background(), "up", time.Unix(0, 0), time.Unix(60, 0), 15*time.Second)
	if incident.ErrorKind(err) != incident.KindTransient {
		t.Errorf("err = %v, want KindTransient", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := serve(t, 200, `{}`)
	_, err = c.QueryRange(ctx, "up", time.Unix(0, 0), time.Unix(60, 0), 15*time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
}

// TestQueryRangeThrottled: a 429 holds the Prometheus backend for as long
// as it asks (it used to retry without a hold, unlike every other adapter),
// and a 503 with Retry-After does too.
func TestQueryRangeThrottled(t *testing.T) {
	tests := []struct {
		name   string
		status int
		retry  string
		hold   time.Duration // 0: no *incident.RetryAfter
	}{
		{"429 with Retry-After", 429, "12", 12*time.Second + 100*time.Millisecond},
		{"429 without", 429, "", httpclass.DefaultHold},
		{"503 with Retry-After", 503, "40", 40*time.Second + 100*time.Millisecond},
		{"503 without", 503, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retry != "" {
					w.Header().Set("Retry-After", tt.retry)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte("slow down"))
			}))
			defer srv.Close()
			_, err := New(srv.URL, srv.Client()).QueryRange(context.Background(), "up", time.Unix(0, 0), time.Unix(60, 0), 15*time.Second)
			if incident.ErrorKind(err) != incident.KindTransient || !strings.Contains(err.Error(), "slow down") {
				t.Fatalf("err = %v (kind %s)", err, incident.ErrorKind(err))
			}
			var ra *incident.RetryAfter
			if held := errors.As(err, &ra); held != (tt.hold > 0) || held && ra.After != tt.hold {
				t.Errorf("retry after %v, want %s", ra, tt.hold)
			}
		})
	}
}
