package generic

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

func TestDecode(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	d, err := New(Mapping{Title: "{{.check}} on {{.host}}", Summary: "{{.output}}", Severity: "{{.level}}",
		DedupKey: "{{.host}}/{{.check}}", Resolved: `{{eq .state "ok"}}`, StartsAt: "{{.since}}",
		Labels: map[string]string{"host": "{{.host}}", "team": "{{.meta.team}}", "empty": "{{.nothing}}"},
		Links:  map[string]string{"Dashboard": "{{.url}}"}}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, body string
		check      func(t *testing.T, g incident.AlertGroup)
		wantErr    string
	}{
		{name: "firing", body: `{"check":"disk","host":"db-1","output":"92% used","level":"page","state":"alert","since":1795000000,"url":"https://d/x","meta":{"team":"dba"}}`,
			check: func(t *testing.T, g incident.AlertGroup) {
				if g.Title != "disk on db-1" || g.DedupKey != "db-1/disk" || g.Severity != incident.SeverityCritical || g.Summary != "92% used" {
					t.Errorf("group = %+v", g)
				}
				if g.Labels["team"] != "dba" || g.Labels["host"] != "db-1" || len(g.Labels) != 2 {
					t.Errorf("labels = %v", g.Labels)
				}
				if len(g.Links) != 1 || g.Links[0].URL != "https://d/x" || !g.Alerts[0].Firing || g.Alerts[0].StartsAt.Unix() != 1795000000 {
					t.Errorf("links %v, alert %+v", g.Links, g.Alerts[0])
				}
			}},
		{name: "resolved, RFC 3339 time", body: `{"check":"disk","host":"db-1","state":"ok","since":"2026-11-22T11:00:00Z"}`,
			check: func(t *testing.T, g incident.AlertGroup) {
				if g.Alerts[0].Firing || !g.AllResolved() || g.Severity != 0 {
					t.Errorf("alert = %+v severity %v", g.Alerts[0], g.Severity)
				}
			}},
		{name: "array", body: `[1]`, wantErr: "takes an object"},
		{name: "bad time", body: `{"check":"c","host":"h","since":"yesterday"}`, wantErr: `starts_at "yesterday"`},
		{name: "not json", body: `check=disk`, wantErr: "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := d.Decode([]byte(tt.body))
			if tt.wantErr != "" {
				if incident.ErrorKind(err) != incident.KindInvalid || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want invalid with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Validate(); err != nil {
				t.Fatal(err)
			}
			tt.check(t, g)
		})
	}
}

func TestEmptyTitle(t *testing.T) {
	d, err := New(Mapping{Title: "{{.title}}", DedupKey: "{{.id}}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode([]byte(`{"id":"x"}`)); err == nil || !strings.Contains(err.Error(), "title template gave nothing") {
		t.Errorf("err = %v", err)
	}
	if _, err := d.Decode([]byte(`{"title":"x"}`)); err == nil || !strings.Contains(err.Error(), "dedup_key template gave nothing") {
		t.Errorf("err = %v", err)
	}
}

func TestNewRejectsBadMappings(t *testing.T) {
	if _, err := New(Mapping{Title: "x"}, nil); err == nil {
		t.Error("a mapping without dedup_key is accepted")
	}
	if _, err := New(Mapping{Title: "{{.x", DedupKey: "k"}, nil); err == nil || !strings.Contains(err.Error(), "sources.generic: title: ") {
		t.Errorf("a broken template: %v", err)
	}
}
