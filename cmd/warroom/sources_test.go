package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestGrafanaHook: a Grafana-shaped webhook with a good signature opens an
// incident with the dashboard and panel links; a bad one is 401 and
// changes nothing.
func TestGrafanaHook(t *testing.T) {
	cfg := testConfig(t)
	cfg.Sources.Grafana.Secret = "grafana-secret"
	h := startHarness(t, cfg)
	body, err := os.ReadFile("../../integrations/grafana/testdata/grafana-firing.json")
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte("grafana-secret"))
	mac.Write(body)
	good := hex.EncodeToString(mac.Sum(nil))

	code, out := h.do("POST", "/hooks/grafana", body, map[string]string{"X-Grafana-Alerting-Signature": strings.Repeat("0", 64)})
	if code != 401 || !strings.Contains(string(out), "X-Grafana-Alerting-Signature") {
		t.Errorf("bad signature: %d %s", code, out)
	}
	if code, out := h.do("POST", "/hooks/grafana", body, nil); code != 401 {
		t.Errorf("unsigned: %d %s", code, out)
	}
	if list := h.incidents(""); len(list) != 0 {
		t.Fatal("a refused webhook opened an incident")
	}
	if code, out := h.do("POST", "/hooks/grafana", body, map[string]string{"X-Grafana-Alerting-Signature": good}); code != 200 {
		t.Fatalf("good signature: %d %s", code, out)
	}
	inc := h.getIncident("INC-1")
	links := ""
	for _, l := range inc.Links {
		links += l.URL + " "
	}
	if inc.Source != "grafana" || inc.Severity != "high" || !strings.Contains(links, "viewPanel=4") || !strings.Contains(links, "/d/xyz") {
		t.Errorf("incident = %+v", inc)
	}
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	h.waitFor("dashboard link in the channel", func() bool {
		_, page := h.do("GET", "/channels/"+room+"/log", nil, nil)
		return strings.Contains(string(page), "viewPanel=4")
	})
}

// TestGenericHook: a JSON body mapped by the config's templates opens an
// incident; the same key again lands in it; its resolution resolves it.
func TestGenericHook(t *testing.T) {
	cfg := testConfig(t)
	cfg.Sources.Generic = GenericConfig{Token: "gen", Mapping: GenericMapping{Title: "{{.check}} on {{.host}}", Severity: "{{.level}}",
		DedupKey: "{{.host}}/{{.check}}", Resolved: `{{eq .state "ok"}}`, StartsAt: "{{.since}}", Labels: map[string]string{"host": "{{.host}}"}}}
	h := startHarness(t, cfg)
	auth := map[string]string{"Authorization": "Bearer gen"}
	firing := []byte(`{"check":"disk","host":"db-1","level":"high","state":"alert","since":1795000000}`)
	if code, _ := h.do("POST", "/hooks/generic", firing, nil); code != 401 {
		t.Errorf("without token: %d", code)
	}
	if code, out := h.do("POST", "/hooks/generic", firing, auth); code != 200 || !strings.Contains(string(out), `"created": true`) {
		t.Fatalf("firing: %d %s", code, out)
	}
	h.do("POST", "/hooks/generic", firing, auth)
	if inc := h.getIncident("INC-1"); inc.Title != "disk on db-1" || inc.Severity != "high" || inc.Labels["host"] != "db-1" {
		t.Errorf("incident = %+v", inc)
	}
	if code, out := h.do("POST", "/hooks/generic", []byte(`{"check":"disk","host":"db-1","state":"ok","since":1795000000}`), auth); code != 200 {
		t.Fatalf("resolved: %d %s", code, out)
	}
	if inc := h.incident("INC-1"); inc["status"] != "resolved" {
		t.Errorf("after resolution: %v", inc["status"])
	}
	if code, out := h.do("POST", "/hooks/generic", []byte(`["db-1"]`), auth); code != 400 || !strings.Contains(string(out), "takes an object") {
		t.Errorf("an array: %d %s", code, out)
	}
	if list := h.incidents(""); len(list) != 1 {
		t.Errorf("%d incidents, want 1", len(list))
	}
}

// TestRunbooks: the matching runbook from runbooks.dir is posted when the
// channel opens, and /incident runbook shows it again.
func TestRunbooks(t *testing.T) {
	cfg := testConfig(t)
	cfg.Runbooks.Dir = "../../integrations/runbooks/testdata"
	h := startHarness(t, cfg)
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")) // HighLatency, service=checkout
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	h.waitFor("runbook post", func() bool {
		_, page := h.do("GET", "/channels/"+room+"/log", nil, nil)
		return strings.Contains(string(page), "Runbook: Checkout latency") && strings.Contains(string(page), "roll back the last deploy")
	})
	// The reply comes back as the notice of the next page.
	if banner := h.say("/channels/"+room, "/incident runbook"); !strings.Contains(banner, "Runbook") || !strings.Contains(banner, "Checkout latency") {
		t.Errorf("/incident runbook answered %q", banner)
	}
}

// TestRouting: rules on labels set the severity, the channel name, the
// invitees, the runbook and the graph queries.
func TestRouting(t *testing.T) {
	cfg := testConfig(t)
	cfg.Runbooks.Dir = "../../integrations/runbooks/testdata"
	cfg.Routing = []RouteConfig{
		{Match: map[string]string{"service": "checkout"}, Severity: "info", Invite: []string{"bob"}, Graphs: []string{"up"}},
		{Match: map[string]string{"service": "checkout", "severity": "*"}, ChannelName: "chk-{{.Incident.ID}}-{{slug .Incident.Title}}",
			Runbook: "payments", Invite: []string{"carol"}},
		{Match: map[string]string{"team": "search"}, Severity: "critical"},
	}
	h := startHarness(t, cfg)
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")) // service=checkout, severity=critical
	inc := h.getIncident("INC-1")
	if inc.Severity != "info" || len(inc.Queries) != 1 {
		t.Errorf("routed incident: severity %v, graphs %v", inc.Severity, inc.Queries)
	}
	var ch apiRef
	h.waitFor("channel", func() bool { ch = h.getIncident("INC-1").Channel; return ch.ID != "" })
	if ch.Name != "chk-1-highlatency-p99-2s" {
		t.Errorf("channel name %v", ch.Name)
	}
	h.login("alice")
	h.waitFor("the routed runbook", func() bool {
		_, page := h.do("GET", "/channels/"+ch.ID+"/log", nil, nil)
		return strings.Contains(string(page), "Runbook: Payments team on-call notes")
	})
}

// TestRunbookLinkFirstSection: a runbook_url that serves Markdown gets its
// first section posted when the channel opens.
func TestRunbookLinkFirstSection(t *testing.T) {
	md := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/markdown")
		w.Write([]byte("# Checkout p99\n\nScale the checkout deployment to 12 replicas.\n\n# History\nold stuff\n"))
	}))
	defer md.Close()
	h := startHarness(t, testConfig(t))
	body := bytes.Replace(readTestdata(t, "alertmanager-0.31.1-firing.json"), []byte(`"http://127.0.0.1/runbook"`), []byte(`"`+md.URL+`/checkout.md"`), -1)
	h.hook(body)
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	h.waitFor("the runbook's first section", func() bool {
		_, page := h.do("GET", "/channels/"+room+"/log", nil, nil)
		return strings.Contains(string(page), "Runbook: Checkout p99") && strings.Contains(string(page), "Scale the checkout deployment") &&
			!strings.Contains(string(page), "old stuff")
	})
}
