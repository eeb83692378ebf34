package main

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// inviteeCount is how many people the many-invitee tests route: 30 in
// CI (the same paths as the 150 of docs/benchmarks.md), more with
// WARROOM_INVITEES.
func inviteeCount(t *testing.T) int {
	v := os.Getenv("WARROOM_INVITEES")
	if v == "" {
		return 30
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("WARROOM_INVITEES=%q: want a positive number", v)
	}
	return n
}

// mmChannelMembers lists a channel's members by username, as the admin,
// waiting out the server's rate limit.
func mmChannelMembers(t *testing.T, h *harness, mm *mmtest.Server, channelID string) []string {
	t.Helper()
	var users []struct {
		Username string `json:"username"`
	}
	h.waitWithin("the channel's members", time.Minute, func() bool {
		if mm.Do(t, mm.AdminToken, http.MethodGet, "/api/v4/users?per_page=200&in_channel="+channelID, nil, &users) == http.StatusOK {
			return true
		}
		time.Sleep(500 * time.Millisecond) // the rate limit's bucket refills
		return false
	})
	var out []string
	for _, u := range users {
		out = append(out, u.Username)
	}
	return out
}

var regexpInviteRetry = regexp.MustCompile(`warroom_job_runs_total\{kind="channel\.invite",outcome="retry"\} [1-9]`)

// TestMattermostInvitesManyExactlyOnce: on a real Mattermost 9.9 that
// rate-limits the bot, a storm child whose routing names many people (and
// one the server does not know, and one outside the team) gets them
// invited to its parent's channel; the server refuses some invites part
// way (429) and warroom is stopped and started again while the invites
// run. In the end the server lists every person once, the timeline has
// one "invited" per person and one "not_invited" for each of the two, and
// nothing failed for good.
func TestMattermostInvitesManyExactlyOnce(t *testing.T) {
	n := inviteeCount(t)
	mm := mmtest.StartWith(t, mmtest.Options{RateLimit: true, RateLimitPerSec: 10, RateLimitMaxBurst: 10})
	names, _ := mm.NewUsers(t, "oncall", n)
	outsider := mm.NewUser(t, "outsider", false)
	h := mattermostHarness(t, mm, func(c *Config) {
		c.Grouping = GroupingConfig{Window: Duration(time.Hour)}
		c.Routing = []RouteConfig{{Match: map[string]string{"team": "db"}, Invite: append(append([]string{}, names...), "ghost", outsider.Username)}}
	})
	hook := h.teamAlert
	parent := h.getIncident(hook(1, "web")).Parent
	room := h.channelID(parent)
	h.waitWithin(parent+"'s jobs", time.Minute, func() bool { return allSettled(h.jobs(parent)) })
	child := hook(2, "db")

	// Stop warroom once some people are in, start it again on its database.
	h.waitWithin("a third invited", time.Minute, func() bool { return len(inviteEvents(h, parent)["invited"]) >= n/3 })
	_, metrics := h.do("GET", "/metrics", nil, nil)
	t.Logf("stopping warroom with %d of %d invited", len(inviteEvents(h, parent)["invited"]), n)
	h.stop()
	h.done <- nil // the Cleanup's stop finds it stopped
	h = startHarness(t, h.cfg)
	h.waitWithin("every invite done", 2*time.Minute, func() bool { return allSettled(h.jobs(parent)) })
	_, after := h.do("GET", "/metrics", nil, nil)
	if !regexpInviteRetry.Match(metrics) && !regexpInviteRetry.Match(after) {
		t.Error("no channel.invite job was retried: the server's rate limit never cut the invites short")
	}

	members := mmChannelMembers(t, h, mm, room)
	evs := inviteEvents(h, parent)
	for _, name := range names {
		if c := countOf(members, name); c != 1 {
			t.Errorf("Mattermost lists @%s %d times among the members, want once", name, c)
		}
		if c := countPrefix(evs["invited"], "@"+name+", named by "+child); c != 1 {
			t.Errorf("%d invited events for @%s, want one", c, name)
		}
	}
	if len(evs["invited"]) != n {
		t.Errorf("%d invited events, want %d", len(evs["invited"]), n)
	}
	for _, who := range []string{"ghost", outsider.Username} {
		if countOf(members, who) != 0 {
			t.Errorf("@%s is a member", who)
		}
		if c := countPrefix(evs["not_invited"], "@"+who+", named by "+child+", is not known to mattermost"); c != 1 {
			t.Errorf("%d not_invited events for @%s, want one: %q", c, who, evs["not_invited"])
		}
	}
	if got := inviteJobs(h, parent); got != n+2 {
		t.Errorf("%d invite jobs, want one a person (%d)", got, n+2)
	}
	for _, j := range h.jobs(parent) {
		if j.State != "done" {
			t.Errorf("job %s is %s: %s", j.Kind, j.State, j.LastError)
		}
	}
}

// allSettled reports whether no job is pending or running.
func allSettled(jobs []apiJob) bool {
	for _, j := range jobs {
		if j.State == "pending" || j.State == "running" {
			return false
		}
	}
	return true
}

func countOf(list []string, v string) int {
	c := 0
	for _, x := range list {
		if x == v {
			c++
		}
	}
	return c
}

// countPrefix counts the texts that are prefix followed by the end or a
// character that cannot continue a username (so @oncall1 is not @oncall10).
func countPrefix(texts []string, prefix string) int {
	c := 0
	for _, s := range texts {
		if rest, ok := strings.CutPrefix(s, prefix); ok && (rest == "" || !strings.ContainsAny(rest[:1], "0123456789")) {
			c++
		}
	}
	return c
}
