package main

import (
	"strings"
	"testing"
	"time"
)

// TestBuiltinInvitesManyExactlyOnce, through the real Alertmanager hook
// and the builtin chat's page: a storm child whose routing names many
// people gets them invited to its parent's channel by one job a person;
// warroom is stopped and started again while the invites run. The page
// then shows every person once, and the timeline has one "invited" each.
func TestBuiltinInvitesManyExactlyOnce(t *testing.T) {
	n := inviteeCount(t)
	_, names := rcManyUsers(n)
	cfg := testConfig(t)
	cfg.Grouping = GroupingConfig{Window: Duration(time.Hour)}
	cfg.Routing = []RouteConfig{{Match: map[string]string{"team": "db"}, Invite: names}}
	h := startHarness(t, cfg)
	hook := h.teamAlert
	parent := h.getIncident(hook(1, "web")).Parent
	room := "/channels/" + h.channelID(parent)
	h.waitJobsDone(parent)
	child := hook(2, "db")
	h.waitFor("some invited", func() bool { return len(inviteEvents(h, parent)["invited"]) > 0 })
	t.Logf("stopping warroom with %d of %d invited", len(inviteEvents(h, parent)["invited"]), n)
	h.stop()
	h.done <- nil // the Cleanup's stop finds it stopped
	h = startHarness(t, h.cfg)
	h.waitWithin("every invite done", time.Minute, func() bool { return allSettled(h.jobs(parent)) })

	h.login("alice")
	code, page := h.do("GET", room, nil, nil)
	if code != 200 {
		t.Fatalf("GET %s: %d", room, code)
	}
	shown := strings.Fields(pageMembers(t, page))
	evs := inviteEvents(h, parent)
	for _, name := range names {
		if c := countOf(shown, "@"+name); c != 1 {
			t.Errorf("the page shows @%s %d times, want once", name, c)
		}
		if c := countPrefix(evs["invited"], "@"+name+", named by "+child); c != 1 {
			t.Errorf("%d invited events for @%s, want one", c, name)
		}
	}
	if len(evs["invited"]) != n || len(evs["not_invited"]) != 0 {
		t.Errorf("%d invited and %d not_invited events, want %d and none", len(evs["invited"]), len(evs["not_invited"]), n)
	}
	for _, j := range h.jobs(parent) {
		if j.State != "done" {
			t.Errorf("job %s is %s: %s", j.Kind, j.State, j.LastError)
		}
	}
}
