package alertmanager

import (
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
)

func TestDecodeRecorded(t *testing.T) {
	tests := []struct {
		file         string
		wantKey      string
		wantTitle    string
		wantSeverity incident.Severity
		wantFiring   bool
		wantLinks    []string
	}{
		{"alertmanager-0.31.1-firing.json", `{}:{alertname="HighLatency"}`, "HighLatency: p99 > 2s", incident.SeverityCritical, true,
			[]string{"Runbook", "Graph", "Silence"}},
		{"alertmanager-0.25.0-firing.json", `{}:{alertname="HighLatency"}`, "HighLatency: p99 > 2s", 0, false, []string{"Silence"}},
		{"prometheus-rule-via-alertmanager.json", `{}:{alertname="AlwaysFiring"}`, "", incident.SeverityWarning, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile("testdata/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Decode(body)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if g.DedupKey != tt.wantKey {
				t.Errorf("DedupKey = %q, want %q", g.DedupKey, tt.wantKey)
			}
			if tt.wantTitle != "" && g.Title != tt.wantTitle {
				t.Errorf("Title = %q, want %q", g.Title, tt.wantTitle)
			}
			if !strings.HasPrefix(g.Title, strings.SplitN(tt.wantKey, `"`, 3)[1]) {
				t.Errorf("Title %q does not start with the alert name", g.Title)
			}
			if g.Severity != tt.wantSeverity {
				t.Errorf("Severity = %v, want %v", g.Severity, tt.wantSeverity)
			}
			if g.AllResolved() == tt.wantFiring {
				t.Errorf("AllResolved = %v, want %v", g.AllResolved(), !tt.wantFiring)
			}
			if len(g.Alerts) == 0 || g.Alerts[0].Fingerprint == "" || g.Alerts[0].StartsAt.IsZero() {
				t.Errorf("alerts not read: %+v", g.Alerts)
			}
			for _, want := range tt.wantLinks {
				found := false
				for _, l := range g.Links {
					found = found || l.Title == want
				}
				if !found {
					t.Errorf("no %s link in %+v", want, g.Links)
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"truncated", `{"version": "4",`, "JSON ends too early"},
		{"not json", `version: 4`, "malformed JSON"},
		{"array", `[1,2]`, "is a JSON array"},
		{"old version", `{"version":"3","groupKey":"g","alerts":[{"status":"firing","startsAt":"2024-01-01T00:00:00Z","labels":{"alertname":"A"}}]}`, `version is "3"`},
		{"no group key", `{"version":"4","alerts":[{"status":"firing","startsAt":"2024-01-01T00:00:00Z"}]}`, "groupKey is missing"},
		{"no alerts", `{"version":"4","groupKey":"g","alerts":[]}`, "alerts is empty"},
		{"bad status", `{"version":"4","groupKey":"g","alerts":[{"status":"burning","startsAt":"2024-01-01T00:00:00Z"}]}`, `alerts[0].status is "burning"`},
		{"no start", `{"version":"4","groupKey":"g","alerts":[{"status":"firing"}]}`, "alerts[0].startsAt is missing"},
		{"bad time", `{"version":"4","groupKey":"g","alerts":[{"status":"firing","startsAt":"yesterday"}]}`, "yesterday"},
		{"labels not map", `{"version":"4","groupKey":"g","commonLabels":"x","alerts":[]}`, "commonLabels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body))
			if err == nil {
				t.Fatal("Decode accepted a bad payload")
			}
			if incident.ErrorKind(err) != incident.KindInvalid {
				t.Errorf("kind = %s, want invalid", incident.ErrorKind(err))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name the problem (%q)", err, tt.want)
			}
		})
	}
}
