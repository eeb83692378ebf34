package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestDeclareFromChat: /incident declare, typed in a channel (builtin) or
// sent through the commands API, opens an incident with its own channel,
// the person as its commander, and says where it is; a declare without a
// title says what to type and opens nothing.
func TestDeclareFromChat(t *testing.T) {
	h := startHarness(t, testConfig(t))
	var first apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "search is slow", "severity": "warning"}, &first); code != http.StatusCreated {
		t.Fatalf("declare by API: %d", code)
	}
	room := "/channels/" + h.channelID(first.Key)

	code, raw := h.do("POST", "/api/v1/incidents/"+first.Key+"/commands", map[string]string{"actor": "alice", "text": "declare checkout returns 502 high"}, bearerAPI)
	var a commandAnswer
	if code != http.StatusOK || json.Unmarshal(raw, &a) != nil {
		t.Fatalf("declare over the API: %d %s", code, raw)
	}
	if !strings.Contains(a.Reply, "INC-2 checkout returns 502") || !strings.Contains(a.Reply, "http://warroom.test/incidents/INC-2") {
		t.Errorf("reply %q, want the new key, title and page", a.Reply)
	}
	inc := h.getIncident("INC-2")
	if inc.Title != "checkout returns 502" || inc.Severity != "high" || inc.Commander != "alice" || inc.Source != "chat" || inc.Status != "open" {
		t.Errorf("declared incident %+v", inc)
	}
	if h.channelID("INC-2") == first.Channel.ID {
		t.Errorf("INC-2 opened no channel of its own")
	}

	h.login("bob")
	if banner := h.say(room, "/incident declare payments queue stuck"); !strings.Contains(banner, "INC-3 payments queue stuck (warning)") {
		t.Errorf("chat answered %q, want INC-3 declared with the default severity", banner)
	}
	if got := h.getIncident("INC-3"); got.Commander != "bob" || got.Severity != "warning" {
		t.Errorf("INC-3 %+v", got)
	}
	h.channelID("INC-3")

	if banner := h.say(room, "/incident declare"); !strings.Contains(banner, "declare needs an argument: /incident declare <title> [severity]") {
		t.Errorf("declare without a title answered %q", banner)
	}
	if n := len(h.incidents("")); n != 3 {
		t.Errorf("%d incidents, want 3: a refused declare opens nothing", n)
	}
}
