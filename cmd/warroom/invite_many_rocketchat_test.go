package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// rcManyUsers are alice and oncall1 ... oncallN, and the usernames of the
// N.
func rcManyUsers(n int) (users []rctest.User, names []string) {
	users = []rctest.User{{Username: "alice", Name: "Alice"}}
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("oncall%d", i)
		users, names = append(users, rctest.User{Username: name, Name: name}), append(names, name)
	}
	return users, names
}

// TestRocketChatInvitesManyExactlyOnce, through the real Alertmanager hook
// and the Rocket.Chat fake, with a routing rule naming many people and one
// Rocket.Chat does not know: a room opened for them all has each once
// with one join, although Rocket.Chat lost the answer to the invite (one
// channels.invite for them all, retried); a storm child naming them has
// them invited to its parent's room by one job a person, some of whose
// answers are lost, with one "invited" on the timeline per person and
// one "not_invited" for the stranger.
func TestRocketChatInvitesManyExactlyOnce(t *testing.T) {
	n := inviteeCount(t)
	users, names := rcManyUsers(n)
	routing := []RouteConfig{{Match: map[string]string{"team": "db"}, Invite: append(append([]string{}, names...), "ghost")}}
	check := func(t *testing.T, rc *rctest.Server, room string) {
		t.Helper()
		members := rc.Room(room).Members
		joins := map[string]int{}
		for _, m := range rc.Messages(room) {
			if m.Type == "au" {
				joins[m.Text]++
			}
		}
		for _, name := range names {
			if c := countOf(members, name); c != 1 || joins[name] != 1 {
				t.Errorf("@%s is a member %d times with %d joins, want once", name, c, joins[name])
			}
		}
		if countOf(members, "ghost") != 0 {
			t.Error("the stranger is a member")
		}
	}
	hook := func(t *testing.T, h *harness, n int, team string) string {
		t.Helper()
		code, ans := h.hookInto(groupAlert(t, n, "warning", "firing", map[string]string{"team": team}))
		if code != 200 && code != 202 {
			t.Fatalf("alert %d: %d %+v", n, code, ans)
		}
		return ans.Incident
	}

	t.Run("OpenedForThemAll", func(t *testing.T) {
		h, rc := rocketchatHarnessTuned(t, rctest.Options{Users: users}, func(c *Config) { c.Routing = routing })
		rc.Inject(rctest.Fault{Method: "POST", Path: ".invite", Status: 504, Body: "gateway timeout", Committed: true})
		key := hook(t, h, 1, "db")
		room := h.channelID(key)
		h.waitJobsDone(key)
		check(t, rc, room)
		invites := 0
		for _, r := range rc.Requests() {
			if strings.HasSuffix(r.Path, ".invite") {
				invites++
			}
		}
		// One for them all, whose answer was lost; the retry finds them in
		// and asks again only for the stranger (refused: none left).
		if invites != 2 {
			t.Errorf("%d invite requests for one room of %d people, want 2 (all at once, then the stranger alone)", invites, n+2)
		}
		if c := countEvents(h.timeline(key), "error"); c != 0 {
			t.Errorf("%d failed side effects", c)
		}
	})

	t.Run("InvitedToTheParent", func(t *testing.T) {
		h, rc := rocketchatHarnessTuned(t, rctest.Options{Users: users}, func(c *Config) {
			c.Grouping = GroupingConfig{Window: Duration(time.Hour)}
			c.Routing = routing
		})
		parent := h.getIncident(hook(t, h, 1, "web")).Parent
		room := h.channelID(parent)
		h.waitJobsDone(parent)
		rc.Inject(rctest.Fault{Method: "POST", Path: ".invite", Times: 5, Status: 504, Body: "gateway timeout", Committed: true})
		child := hook(t, h, 2, "db")
		h.waitWithin("every invite done", time.Minute, func() bool { return allSettled(h.jobs(parent)) })
		check(t, rc, room)
		evs := inviteEvents(h, parent)
		for _, name := range names {
			if c := countPrefix(evs["invited"], "@"+name+", named by "+child); c != 1 {
				t.Errorf("%d invited events for @%s, want one", c, name)
			}
		}
		if len(evs["invited"]) != n || len(evs["not_invited"]) != 1 || !strings.HasPrefix(evs["not_invited"][0], "@ghost, named by "+child) {
			t.Errorf("%d invited events (want %d), not_invited %q (want ghost's)", len(evs["invited"]), n, evs["not_invited"])
		}
		if got := inviteJobs(h, parent); got != n+1 {
			t.Errorf("%d invite jobs, want %d", got, n+1)
		}
	})
}
