package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestAlertGroupLifecycle follows one Alertmanager group through the
// recorded payloads: firing opens, resolved resolves, firing again reopens,
// a replay changes nothing, and after close the same group opens a new
// incident.
func TestAlertGroupLifecycle(t *testing.T) {
	h := startHarness(t, testConfig(t))
	firing := readTestdata(t, "alertmanager-0.31.1-firing.json")
	resolved := readTestdata(t, "alertmanager-0.25.0-firing.json") // a resolved notification of the same group

	if code, out := h.hook(firing); code != 200 || out["created"] != true {
		t.Fatalf("firing: %d %v", code, out)
	}
	if code, out := h.hook(resolved); code != 200 || out["incident"] != "INC-1" {
		t.Fatalf("resolved: %d %v", code, out)
	}
	inc := h.incident("INC-1")
	if inc["status"] != "resolved" || inc["resolved_at"] == nil {
		t.Fatalf("after all alerts resolved: %v", inc)
	}
	if n := countKind(h.events("INC-1"), "alert_resolved"); n != 1 {
		t.Errorf("%d alert_resolved events, want 1", n)
	}
	// A replay of the resolved notification records nothing new.
	alertEvents := func() int {
		evs := h.events("INC-1")
		return countKind(evs, "alert_firing") + countKind(evs, "alert_resolved") + countKind(evs, "status_changed")
	}
	before := alertEvents()
	h.hook(resolved)
	if after := alertEvents(); after != before {
		t.Errorf("replayed notification added %d events", after-before)
	}

	// The alert fires again (a new start time): the same incident reopens.
	again := bytes.ReplaceAll(firing, []byte("2026-11-22T14:52:44.33438831Z"), []byte("2026-11-22T15:10:00Z"))
	if code, out := h.hook(again); code != 200 || out["incident"] != "INC-1" || out["created"] != false {
		t.Fatalf("firing again: %d %v", code, out)
	}
	if inc := h.incident("INC-1"); inc["status"] != "open" || inc["resolved_at"] != nil {
		t.Fatalf("after firing again: %v", inc)
	}
	if n := countKind(h.events("INC-1"), "alert_firing"); n != 2 {
		t.Errorf("%d alert_firing events, want 2", n)
	}

	// Closed: the group's next notification opens a new incident, and a
	// resolved notification for a group with no open incident is ignored.
	h.waitFor("channel", func() bool { return h.getIncident("INC-1").Channel.ID != "" })
	if code, _ := h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "bob", "reason": "flapping"}); code != 200 {
		t.Fatalf("close: %d", code)
	}
	h.waitStatus("INC-1", "archived")
	if code, out := h.hookInto(resolved); code != 200 || out.Status != "ignored" || !strings.Contains(out.Reason, "no open incident") {
		t.Errorf("resolved after close: %d %+v", code, out)
	}
	if code, out := h.hook(firing); code != 200 || out["incident"] != "INC-2" || out["created"] != true {
		t.Errorf("firing after close: %d %v", code, out)
	}
}

// TestDeclareByAPI opens an incident by hand and reads it back in the
// stable JSON shape.
func TestDeclareByAPI(t *testing.T) {
	h := startHarness(t, testConfig(t))
	code, inc := h.api("POST", "/incidents", map[string]any{"title": "Checkout errors in EU", "severity": "sev2",
		"summary": "5xx at 12% since 14:02", "labels": map[string]string{"team": "payments"}, "commander": "alice"})
	if code != 201 {
		t.Fatalf("declare: %d %v", code, inc)
	}
	for k, want := range map[string]any{"key": "INC-1", "title": "Checkout errors in EU", "status": "open",
		"severity": "high", "source": "api", "commander": "alice"} {
		if inc[k] != want {
			t.Errorf("%s = %v, want %v", k, inc[k], want)
		}
	}
	for _, k := range []string{"channel", "ticket", "created_at", "acked_at", "resolved_at", "closed_at", "archived_at"} {
		if _, ok := inc[k]; !ok {
			t.Errorf("incident JSON lacks %q", k)
		}
	}
	if inc["acked_at"] != nil {
		t.Errorf("acked_at = %v, want null", inc["acked_at"])
	}
	h.waitFor("channel and ticket", func() bool {
		got := h.getIncident("INC-1")
		return got.Channel.Name == "inc-1-checkout-errors-in-eu" && got.Ticket.Key == "INC-1"
	})
	code, out := h.api("POST", "/incidents/INC-1/resolve", map[string]string{"actor": "alice", "reason": "rolled back"})
	if code != 200 || out["status"] != "resolved" {
		t.Errorf("resolve: %d %v", code, out)
	}
	if list := h.incidents("?status=resolved&q=checkout"); len(list) != 1 {
		t.Errorf("filtered list: %+v", list)
	}
}

// TestOperations checks /healthz, /readyz and /metrics.
func TestOperations(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	h.do("POST", "/hooks/alertmanager", []byte("{"), nil) // no token: 401
	h.hook([]byte("{"))                                   // malformed: 400
	for path, want := range map[string]string{"/healthz": `"status": "ok"`, "/readyz": `"status": "ready"`} {
		if code, body := h.do("GET", path, nil, nil); code != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	h.waitFor("jobs done", func() bool {
		_, body := h.do("GET", "/metrics", nil, nil)
		return strings.Contains(string(body), `warroom_jobs{state="pending"} 0`)
	})
	_, body := h.do("GET", "/metrics", nil, nil)
	for _, want := range []string{
		`warroom_webhooks_total{outcome="accepted",source="alertmanager"} 1`,
		`warroom_webhooks_total{outcome="rejected",source="alertmanager"} 1`,
		`warroom_jobs{state="parked"} 0`,
		`warroom_job_runs_total{kind="channel.open",outcome="done"} 1`,
		`warroom_http_requests_total{code="401",method="POST",route="/hooks/alertmanager"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
