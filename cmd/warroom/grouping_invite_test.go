package main

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// inviteEvents are the invitation events on an incident's timeline, by
// kind (invited, not_invited).
func inviteEvents(h *harness, key string) map[string][]string {
	out := map[string][]string{}
	for _, e := range h.timeline(key) {
		if e.Kind == "invited" || e.Kind == "not_invited" {
			out[e.Kind] = append(out[e.Kind], e.Text)
		}
	}
	return out
}

// inviteJobs counts the parent's channel.invite jobs.
func inviteJobs(h *harness, key string) int {
	n := 0
	for _, j := range h.jobs(key) {
		if j.Kind == "channel.invite" {
			n++
		}
	}
	return n
}

// TestAttachedChildsPeopleAreInvitedOnRocketChat, through the real
// Alertmanager hook, the commands API and the Rocket.Chat fake: a child
// whose routing names other people than its storm parent's gets them
// invited to the parent's room, once, although Rocket.Chat lost the answer
// to the first invite; a later child naming the same people invites
// nobody again; a person the chat does not know is put on the timeline and
// the others are invited all the same; the parent's own people are left
// alone; a merged incident's commander is invited too.
func TestAttachedChildsPeopleAreInvitedOnRocketChat(t *testing.T) {
	users := []rctest.User{{Username: "alice", Name: "Alice"}, {Username: "bob", Name: "Bob"}, {Username: "dave", Name: "Dave"}, {Username: "erin", Name: "Erin"}}
	h, rc := rocketchatHarnessTuned(t, rctest.Options{Users: users}, func(c *Config) {
		c.Grouping = GroupingConfig{Window: Duration(time.Hour), MaxNew: 0}
		c.Routing = []RouteConfig{
			{Match: map[string]string{"team": "web"}, Invite: []string{"erin"}},
			{Match: map[string]string{"team": "db"}, Invite: []string{"dave", "ghost"}},
		}
	})
	hook := func(n int, team string) string {
		t.Helper()
		code, ans := h.hookInto(groupAlert(t, n, "warning", "firing", map[string]string{"team": team}))
		if code != 200 && code != 202 {
			t.Fatalf("alert %d: %d %+v", n, code, ans)
		}
		return ans.Incident
	}
	first := hook(1, "web")
	parent := h.getIncident(first).Parent
	room := h.channelID(parent)
	h.waitJobsDone(parent)
	joins := func(user string) int {
		n := 0
		for _, m := range rc.Messages(room) {
			if m.Type == "au" && m.Text == user {
				n++
			}
		}
		return n
	}
	members := func() string { return strings.Join(rc.Room(room).Members, ",") }
	if m := members(); !strings.Contains(m, "erin") || strings.Contains(m, "dave") {
		t.Fatalf("the parent's room has %s, want its own routing's erin and not yet dave", m)
	}

	// Rocket.Chat adds dave and loses its answer: the job retries.
	rc.Inject(rctest.Fault{Method: "POST", Path: ".invite", Status: 504, Body: "gateway timeout", Committed: true})
	db := hook(2, "db")
	h.waitFor("dave in the parent's room", func() bool { return strings.Contains(members(), "dave") })
	h.waitJobsDone(parent)
	faulted := 0
	for _, r := range rc.Requests() {
		if r.Fault && strings.HasSuffix(r.Path, ".invite") {
			faulted++
		}
	}
	if faulted != 1 {
		t.Fatalf("%d invites answered by the lost-answer fault, want the one injected", faulted)
	}
	hook(3, "db")
	hook(4, "web")
	h.waitJobsDone(parent)

	if c := strings.Count(","+members()+",", ",dave,"); c != 1 || joins("dave") != 1 {
		t.Errorf("dave is a member %d times with %d joins, want once (room: %s)", c, joins("dave"), members())
	}
	if strings.Contains(members(), "ghost") || joins("erin") != 1 {
		t.Errorf("room %s with %d joins of erin; want no ghost and erin's one join", members(), joins("erin"))
	}
	evs := inviteEvents(h, parent)
	if len(evs["invited"]) != 1 || !strings.Contains(evs["invited"][0], "@dave, named by "+db) {
		t.Errorf("invited events %q, want one for dave, named by %s", evs["invited"], db)
	}
	if len(evs["not_invited"]) != 1 || !strings.Contains(evs["not_invited"][0], "@ghost, named by "+db+", is not known to rocketchat") {
		t.Errorf("not_invited events %q, want one for ghost", evs["not_invited"])
	}
	if n := inviteJobs(h, parent); n != 3 {
		t.Errorf("%d invite jobs on the parent, want one each for dave, ghost and erin (a later child's same people queue none)", n)
	}

	var merged apiIncident
	h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is slow", "commander": "bob"}, &merged)
	h.waitJobsDone(merged.Key)
	h.must(parent, "alice", "merge "+merged.Key)
	h.waitFor("bob, the merged incident's commander, in the parent's room", func() bool { return strings.Contains(members(), "bob") })
	for _, k := range []string{parent, db, merged.Key} {
		if c := countEvents(h.timeline(k), "error"); c != 0 {
			t.Errorf("%s has %d failed side effects", k, c)
		}
	}
}
