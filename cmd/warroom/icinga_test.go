package main

import (
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
		_, list := h.api("GET", "/incidents", nil)
		return len(list["incidents"].([]any)) == 1
	})
	inc := h.incident("INC-1")
	if inc["source"] != "icinga2" || inc["severity"] != "critical" || inc["title"] != service+" on "+host {
		t.Errorf("incident = %v", inc)
	}
	var room string
	h.waitFor("channel", func() bool {
		room, _ = h.incident("INC-1")["channel"].(map[string]any)["id"].(string)
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
	_, list := h.api("GET", "/incidents", nil)
	if n := len(list["incidents"].([]any)); n != 1 {
		t.Errorf("%d incidents: flapping must reopen the same one", n)
	}
}
