package main

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// TestIcinga2 runs against a real Icinga 2: a service that goes CRITICAL
// (HARD, by a passive result) opens an incident; the ack from chat is
// acknowledged in Icinga 2; recovery resolves the incident; when it fails
// again the same incident reopens, and an acknowledgement set in Icinga 2
// acks it in warroom.
func TestIcinga2(t *testing.T) {
	ic := icingatest.Start(t)
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "warroom-test"}
	h := startHarness(t, cfg)
	host, service := icingatest.Host, icingatest.Service

	ic.SetServiceState(t, host, service, 2, "HTTP CRITICAL - 503 from checkout")
	h.waitFor("incident from Icinga 2", func() bool {
		return len(h.incidents("")) == 1
	})
	inc := h.incident("INC-1")
	if inc["source"] != "icinga2" || inc["severity"] != "critical" || inc["title"] != service+" on "+host {
		t.Errorf("incident = %v", inc)
	}
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident ack"), nil)
	h.waitFor("acknowledged in Icinga 2", func() bool { return ic.ServiceAcknowledged(t, host, service) })

	ic.SetServiceState(t, host, service, 0, "HTTP OK")
	h.waitStatus("INC-1", "resolved")

	ic.SetServiceState(t, host, service, 2, "HTTP CRITICAL - again")
	h.waitStatus("INC-1", "open")
	ic.Acknowledge(t, host, service, "icingaadmin", "looking")
	inc = h.waitStatus("INC-1", "acked")
	if inc["acked_by"] != "icingaadmin" {
		t.Errorf("acked_by = %v, want the Icinga 2 author", inc["acked_by"])
	}
	if n := len(h.incidents("")); n != 1 {
		t.Errorf("%d incidents: flapping must reopen the same one", n)
	}
}

// TestIcinga2HookAlone: a notification script is enough, with no API
// configured: the hook takes its token and opens an incident that links to
// no Icinga 2 (the placeholder client cmd used to build for it linked to
// "http://unused"); a wrong token opens nothing.
func TestIcinga2HookAlone(t *testing.T) {
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{Token: "icinga-hook"}
	h := startHarness(t, cfg)
	body := []byte(`{"host":"db1","service":"disk","state":"CRITICAL","state_type":"HARD","output":"DISK CRITICAL - 2% free",` +
		`"notification_type":"PROBLEM","timestamp":"1795359336"}`)
	if code, out := h.do("POST", "/hooks/icinga2", body, map[string]string{"Authorization": "Bearer wrong"}); code != 401 {
		t.Errorf("wrong token: %d %s", code, out)
	}
	if code, out := h.do("POST", "/hooks/icinga2", body, map[string]string{"Authorization": "Bearer icinga-hook"}); code != 200 ||
		!strings.Contains(string(out), `"object": "db1!disk"`) {
		t.Fatalf("notification: %d %s", code, out)
	}
	inc := h.getIncident("INC-1")
	if inc.Source != "icinga2" || inc.Title != "disk on db1" || inc.Severity != "critical" {
		t.Errorf("incident = %+v", inc)
	}
	if len(inc.Links) != 0 {
		t.Errorf("links %+v, want none: there is no Icinga 2 URL to link to", inc.Links)
	}
	if list := h.incidents(""); len(list) != 1 {
		t.Errorf("%d incidents, want 1", len(list))
	}
}
