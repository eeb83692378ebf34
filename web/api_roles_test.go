package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// rolesHarness is a harness with the fake's roles and the fixed reports.
func rolesHarness(t *testing.T, cfg Config, rep *fakeReports) *harness {
	t.Helper()
	return newHarness(t, cfg, func(d *Deps) {
		d.Roles = d.Incidents.(*fakeService)
		if rep != nil {
			d.Reports = rep
		}
	})
}

func TestAPIRoles(t *testing.T) {
	x := rolesHarness(t, Config{}, nil)
	seed(x) // INC-1 open, INC-2 acked, INC-3 resolved
	x.svc.add(incident.Incident{Title: "gone", Severity: incident.SeverityInfo, Status: incident.StatusArchived})

	w := x.api("POST", "/api/v1/incidents/INC-1/commander", `{"user": "@bob", "actor": "alice"}`)
	wantStatus(t, w, http.StatusOK)
	if got := decode[incident.Incident](t, w); got.Commander != "bob" || got.Durations == nil {
		t.Errorf("commander: %q, durations %v; want bob, with the durations", got.Commander, got.Durations)
	}
	w = x.api("POST", "/api/v1/incidents/INC-1/roles", `{"role": "scribe", "user": "carol"}`)
	wantStatus(t, w, http.StatusOK)
	if got := decode[incident.Incident](t, w); got.Roles["scribe"] != "carol" || got.Commander != "bob" {
		t.Errorf("roles: %v, commander %q; want scribe carol, commander bob", got.Roles, got.Commander)
	}
	if inc := x.svc.stored("INC-1"); inc.Roles["scribe"] != "carol" {
		t.Errorf("stored roles %v", inc.Roles)
	}

	for _, tt := range []struct {
		name, path, body string
		code             int
		kind             incident.Kind
		words            []string
	}{
		{"no role named", "/api/v1/incidents/INC-1/roles", `{"user": "carol"}`, 400, incident.KindInvalid, []string{"role is required"}},
		{"unknown role", "/api/v1/incidents/INC-1/roles", `{"role": "chef", "user": "carol"}`, 400, incident.KindInvalid, []string{`no role "chef"`, "commander, comms, scribe"}},
		{"bad user name", "/api/v1/incidents/INC-1/commander", `{"user": "bob smith"}`, 400, incident.KindInvalid, []string{"is not a user name"}},
		{"no commander", "/api/v1/incidents/INC-1/commander", `{}`, 400, incident.KindInvalid, []string{"always has a commander"}},
		{"not JSON", "/api/v1/incidents/INC-1/commander", `{"user": `, 400, incident.KindInvalid, nil},
		{"unknown incident", "/api/v1/incidents/INC-99/commander", `{"user": "bob"}`, 404, incident.KindNotFound, []string{"INC-99"}},
		{"archived", "/api/v1/incidents/INC-4/roles", `{"role": "comms", "user": "bob"}`, 409, incident.KindConflict, []string{"archived"}},
		{"reopen an open one", "/api/v1/incidents/INC-1/reopen", `{"reason": "x"}`, 409, incident.KindConflict, []string{"cannot be reopened"}},
		{"reopen an archived one", "/api/v1/incidents/INC-4/reopen", `{}`, 409, incident.KindConflict, []string{"archived"}},
		{"empty title", "/api/v1/incidents/INC-1/title", `{"title": "  "}`, 400, incident.KindInvalid, []string{"title"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key := strings.Split(strings.TrimPrefix(tt.path, "/api/v1/incidents/"), "/")[0]
			var before incident.Incident
			if key != "INC-99" {
				before = *x.svc.stored(key)
			}
			wantError(t, x.api("POST", tt.path, tt.body), tt.code, tt.kind, tt.words...)
			if key == "INC-99" {
				return
			}
			if after := x.svc.stored(key); after.Commander != before.Commander || after.Title != before.Title || after.Status != before.Status || len(after.Roles) != len(before.Roles) {
				t.Errorf("a refused call changed %s: %+v -> %+v", key, before, *after)
			}
		})
	}

	w = x.api("POST", "/api/v1/incidents/INC-3/reopen", `{"reason": "it fires again", "actor": "bob"}`)
	wantStatus(t, w, http.StatusOK)
	if got := decode[incident.Incident](t, w); got.Status != incident.StatusOpen || got.ResolvedAt != nil {
		t.Errorf("reopened: status %s, resolved at %v; want open, no resolution", got.Status, got.ResolvedAt)
	}
	w = x.api("POST", "/api/v1/incidents/INC-2/title", `{"title": "latency high in eu-west"}`)
	wantStatus(t, w, http.StatusOK)
	if got := decode[incident.Incident](t, w); got.Title != "latency high in eu-west" {
		t.Errorf("title %q", got.Title)
	}
}

func TestAPIRolesNeedTheToken(t *testing.T) {
	x := rolesHarness(t, Config{APIToken: "s3cret"}, nil)
	seed(x)
	for _, p := range []string{"commander", "roles", "reopen", "title"} {
		w := x.api("POST", "/api/v1/incidents/INC-1/"+p, `{"user": "bob", "role": "comms", "title": "x"}`)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("%s without the token: %d, want 401", p, w.Code)
		}
	}
	if inc := x.svc.stored("INC-1"); inc.Commander != "" || inc.Title != "disk full" {
		t.Errorf("a refused call changed INC-1: %+v", inc)
	}
}

// reportCells are two weeks of known numbers: the week of t0 (Monday
// 2026-11-30) and the one before.
func reportCells() *fakeReports {
	this := incident.WeekOf(t0)
	last := this.Add(-incident.Week)
	return &fakeReports{cells: []incident.ReportCell{
		{Severity: incident.SeverityCritical, Source: "alertmanager", Week: last, Opened: 2, Acked: 2, AckMillis: 240_000, Resolved: 2, ResolveMillis: 3_600_000},
		{Severity: incident.SeverityHigh, Source: "api", Week: this, Opened: 1, Acked: 1, AckMillis: 30_000},
		{Severity: incident.SeverityCritical, Source: "api", Week: this.Add(-20 * incident.Week), Opened: 5}, // out of the default range
	}}
}

func TestAPIReports(t *testing.T) {
	rep := reportCells()
	x := rolesHarness(t, Config{}, rep)
	w := x.api("GET", "/api/v1/reports", "")
	wantStatus(t, w, http.StatusOK)
	got := decode[incident.Report](t, w)
	if want := incident.WeekOf(t0).Add(incident.Week); !rep.to.Equal(want) || !rep.from.Equal(want.Add(-12*incident.Week)) {
		t.Errorf("asked the store for [%s, %s); want the 12 weeks to %s", rep.from, rep.to, want)
	}
	secs := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	if got.Total.Opened != 3 || secs(got.Total.MTTA) != 90 || secs(got.Total.MTTR) != 1800 {
		t.Errorf("total %+v: want 3 opened, MTTA 90s ((120+120+30)/3), MTTR 1800s", got.Total)
	}
	if len(got.BySeverity) != 2 || got.BySeverity[0].Key != "critical" || secs(got.BySeverity[0].MTTA) != 120 || secs(got.BySeverity[0].MTTR) != 1800 ||
		got.BySeverity[1].Key != "high" || secs(got.BySeverity[1].MTTA) != 30 || got.BySeverity[1].MTTR != nil {
		t.Errorf("by severity %+v", got.BySeverity)
	}
	if len(got.BySource) != 2 || got.BySource[0].Key != "alertmanager" || got.BySource[1].Key != "api" || secs(got.BySource[1].MTTA) != 30 {
		t.Errorf("by source %+v", got.BySource)
	}
	if len(got.ByWeek) != 12 || got.ByWeek[10].Opened != 2 || got.ByWeek[11].Opened != 1 || got.ByWeek[11].Key != incident.WeekOf(t0).Format(time.DateOnly) {
		t.Errorf("by week: %d weeks, the last two %+v", len(got.ByWeek), got.ByWeek[len(got.ByWeek)-2:])
	}
	w = x.api("GET", "/api/v1/reports?weeks=2", "")
	wantStatus(t, w, http.StatusOK)
	if got := decode[incident.Report](t, w); len(got.ByWeek) != 2 || got.Total.Opened != 3 {
		t.Errorf("weeks=2: %d weeks, %d opened", len(got.ByWeek), got.Total.Opened)
	}
	for _, q := range []string{"0", "105", "many", "-1"} {
		wantError(t, x.api("GET", "/api/v1/reports?weeks="+q, ""), 400, incident.KindInvalid, "weeks=", "from 1 to 104")
	}
}

func TestReportsPage(t *testing.T) {
	x := rolesHarness(t, Config{}, reportCells())
	c := x.signIn("alice", "")
	w := x.get("/reports", c)
	wantStatus(t, w, http.StatusOK)
	page := w.Body.String()
	for _, want := range []string{"/reports/chart.svg?weeks=12", "By severity", "By source", "By week", "critical", "alertmanager", "2.0m", "30.0m", "30s"} {
		if !strings.Contains(page, want) {
			t.Errorf("the reports page lacks %q", want)
		}
	}
	w = x.get("/reports/chart.svg?weeks=4", c)
	wantStatus(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "image/svg+xml" || !strings.HasPrefix(strings.TrimSpace(w.Body.String()), "<svg") {
		t.Errorf("chart: %s %.80s", ct, w.Body)
	}
	if w := x.get("/reports?weeks=nope", c); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "weeks=") {
		t.Errorf("a bad range: %d %.200s", w.Code, w.Body)
	}
	if w := x.get("/reports", nil); w.Code != http.StatusSeeOther {
		t.Errorf("the reports page without a session: %d, want a redirect to sign in", w.Code)
	}
}
