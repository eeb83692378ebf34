package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// /healthz, /readyz and /metrics are open, also with api.token set.
func TestHealthAndReadiness(t *testing.T) {
	x := newHarness(t, Config{APIToken: "s3cret", Version: "v1.2.3"})
	steps := []struct {
		name  string
		ready error
		path  string
		code  int
		want  map[string]string
	}{
		{"healthz", nil, "/healthz", 200, map[string]string{"status": "ok", "version": "v1.2.3"}},
		{"ready", nil, "/readyz", 200, map[string]string{"status": "ready"}},
		{"not ready: the reason is said", errStoreDown, "/readyz", 503, map[string]string{"status": "not ready", "reason": "database is locked"}},
		{"healthy while not ready", errStoreDown, "/healthz", 200, map[string]string{"status": "ok", "version": "v1.2.3"}},
		{"ready again", nil, "/readyz", 200, map[string]string{"status": "ready"}},
	}
	for _, st := range steps {
		x.ready.set(st.ready)
		w := x.get(st.path, nil)
		wantStatus(t, w, st.code)
		if diff := cmp.Diff(st.want, decode[map[string]string](t, w)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	// Without a readiness check, warroom is ready when it answers.
	x = newHarness(t, Config{}, func(d *Deps) { d.Ready = nil })
	wantStatus(t, x.get("/readyz", nil), 200)
}

func TestMetrics(t *testing.T) {
	x := newHarness(t, Config{APIToken: "s3cret"})
	x.jobs.counts = []incident.JobCount{
		{State: incident.JobParked, Kind: incident.JobPost, Backend: "builtin", N: 2},
		{State: incident.JobPending, Kind: incident.JobOpenTicket, Backend: "jira", Failure: incident.FailureTransient, N: 3},
		{State: incident.JobPending, Kind: incident.JobOpenChannel, Backend: "builtin", N: 1},
	}
	x.get("/healthz", nil)
	x.get("/healthz", nil)
	x.get("/api/v1/incidents", nil)                                                                               // 401 before the API's routes: counted under its mount
	x.do(req{method: "GET", path: "/api/v1/incidents/INC-1", header: []string{"Authorization", "Bearer s3cret"}}) // 404
	x.get("/nowhere", nil)
	w := x.get("/metrics", nil)
	if ct := w.Result().Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want the Prometheus text format", ct)
	}
	m := x.scrape()
	for sample, want := range map[string]float64{
		`warroom_http_requests_total{code="200",method="GET",route="/healthz"}`:                2,
		`warroom_http_requests_total{code="401",method="GET",route="/api/v1/*"}`:               1,
		`warroom_http_requests_total{code="404",method="GET",route="/api/v1/incidents/{key}"}`: 1,
		`warroom_http_requests_total{code="404",method="GET",route="unmatched"}`:               1,
		`warroom_jobs{state="parked"}`:                                                2,
		`warroom_jobs{state="pending"}`:                                               4,
		`warroom_jobs{state="done"}`:                                                  0,
		`warroom_jobs_by_kind{backend="jira",kind="ticket.open",state="pending"}`:     3,
		`warroom_jobs_failing{backend="jira",failure="transient",kind="ticket.open"}`: 3,
	} {
		got, ok := m[sample]
		if !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", sample, got, ok, want)
		}
	}
	if _, ok := m[`warroom_jobs_failing{backend="builtin",failure="",kind="channel.open"}`]; ok {
		t.Error("a pending job that never failed is counted as failing")
	}

	// A job store that cannot be read fails the scrape rather than
	// reporting zero jobs.
	x.jobs.mu.Lock()
	x.jobs.err = errors.New("database is locked")
	x.jobs.mu.Unlock()
	if w := x.get("/metrics", nil); w.Code != http.StatusInternalServerError {
		t.Errorf("scrape with the job store down: %d, want 500", w.Code)
	}

	// Without a registry there is no /metrics.
	x = newHarness(t, Config{}, func(d *Deps) { d.Metrics = nil })
	wantError(t, x.get("/metrics", nil), 404, incident.KindNotFound, "no such page")
}

// New refuses a Deps without a part of the incident workflow or without a
// session store: a wiring mistake fails at start, not on the first request.
func TestNewNeedsItsParts(t *testing.T) {
	tests := []struct {
		name string
		drop func(*Deps)
		says string
	}{
		{"Incidents", func(d *Deps) { d.Incidents = nil }, "give Incidents, Lifecycle, Updates, Alerts and Commands"},
		{"Lifecycle", func(d *Deps) { d.Lifecycle = nil }, "give Incidents, Lifecycle, Updates, Alerts and Commands"},
		{"Updates", func(d *Deps) { d.Updates = nil }, "give Incidents, Lifecycle, Updates, Alerts and Commands"},
		{"Alerts", func(d *Deps) { d.Alerts = nil }, "give Incidents, Lifecycle, Updates, Alerts and Commands"},
		{"Commands", func(d *Deps) { d.Commands = nil }, "give Incidents, Lifecycle, Updates, Alerts and Commands"},
		{"Sessions", func(d *Deps) { d.Sessions = nil }, "no session store given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := newFakeService(func() time.Time { return t0 })
			d := Deps{Incidents: svc, Lifecycle: svc, Updates: svc, Alerts: svc, Commands: svc, Sessions: newMemSessions()}
			if _, err := New(Config{}, d); err != nil {
				t.Fatalf("with every part: %v", err)
			}
			tt.drop(&d)
			if _, err := New(Config{}, d); err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("without %s: %v, want an error that says %q", tt.name, err, tt.says)
			}
		})
	}
}
