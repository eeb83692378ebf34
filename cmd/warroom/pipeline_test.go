package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/warroom/warroom/integrations/alertmanager/amtest"
	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

const pipelineRule = `groups:
  - name: warroom-pipeline
    rules:
      - alert: HighLatency
        expr: prometheus_tsdb_head_series > 0
        for: 0s
        labels: {severity: critical, service: checkout}
        annotations:
          summary: p99 above 2s
          runbook_url: https://runbooks.example.com/high-latency
`

// TestRealAlertPipeline: a Prometheus rule fires through a real
// Alertmanager into warroom; the incident's channel holds a PNG rendered
// from that Prometheus's real data and the matched runbook.
func TestRealAlertPipeline(t *testing.T) {
	ln, addr := reserveListener(t) // Alertmanager must know warroom's address first
	am := amtest.Start(t, amtest.Options{WebhookURL: "http://" + addr + "/hooks/alertmanager", BearerToken: testAMToken})
	rules := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(rules, []byte(pipelineRule), 0o600); err != nil {
		t.Fatal(err)
	}
	prom := promtest.StartWith(t, promtest.Options{RuleFiles: []string{rules}, AlertmanagerURL: am.URL})

	cfg := testConfig(t)
	cfg.Listen, cfg.PublicURL = addr, "http://"+addr
	cfg.Prometheus.URL = prom.URL
	cfg.Runbooks.Dir = "../../integrations/runbooks/testdata"
	h := startHarnessOn(t, cfg, ln, testLogWriter{t})

	h.waitFor("the alert through Alertmanager", func() bool { return len(h.incidents("")) == 1 })
	inc := h.getIncident("INC-1")
	want := apiIncident{Key: "INC-1", Source: "alertmanager", Severity: "critical"}
	if diff := cmp.Diff(want, inc, cmpopts.IgnoreFields(apiIncident{}, "Title", "Summary", "Status", "Labels", "Commander", "Channel", "Ticket", "Links", "Queries")); diff != "" {
		t.Errorf("the incident (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(inc.Title, "HighLatency") || inc.Labels["service"] != "checkout" {
		t.Errorf("the incident's title %q and labels %v are not the rule's alert", inc.Title, inc.Labels)
	}
	room := h.channelID("INC-1")
	h.login("alice")
	var page string
	h.waitFor("graph and runbook in the channel", func() bool {
		_, p := h.do("GET", "/channels/"+room+"/log", nil, nil)
		page = string(p)
		return len(fileLinks.FindAllStringSubmatch(page, -1)) >= 1 && strings.Contains(page, "Runbook: Checkout latency")
	})
	link := fileLinks.FindStringSubmatch(page)
	code, png := h.do("GET", link[1], nil, nil)
	if code != 200 {
		t.Fatalf("graph download: %d", code)
	}
	checkPNG(t, png)
	if !strings.Contains(page, "https://runbooks.example.com/high-latency") {
		t.Error("the runbook_url link is not in the channel")
	}
}
