package main

import (
	"testing"
)

// TestBuiltinChannelNamesWhoWorksIt, through the real Alertmanager hook
// and the builtin channel's page: before anyone acts, the members line
// says nobody works the channel; once bob acks (and so leads) and names
// carol scribe, it names them with their roles, although no routing
// invited either, and the polled log says the same.
func TestBuiltinChannelNamesWhoWorksIt(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.login("bob")
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		t.Fatalf("alert: %d %v", code, out)
	}
	room := "/channels/" + h.channelID("INC-1")
	h.waitJobsDone("INC-1")
	members := func(path string) string {
		t.Helper()
		code, page := h.do("GET", path, nil, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, page)
		}
		return pageMembers(t, page)
	}
	if got := members(room); got != "" {
		t.Fatalf("before anyone acts the channel names %q, want nobody", got)
	}
	for _, cmd := range []string{"/incident ack", "/incident role scribe @carol"} {
		if reply := h.say(room, cmd); reply == "" {
			t.Fatalf("%s: no reply on the page", cmd)
		}
	}
	h.waitJobsDone("INC-1")
	for _, path := range []string{room, room + "/log"} {
		if got := members(path); got != "@bob (commander) @carol (scribe)" {
			t.Errorf("%s names %q, want @bob (commander) @carol (scribe)", path, got)
		}
	}
}
