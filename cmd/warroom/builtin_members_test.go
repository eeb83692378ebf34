package main

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
)

// membersRE reads the members line of a builtin channel's head.
var membersRE = regexp.MustCompile(`<p class="members" id="members">(.*?)</p>`)

// pageMembers returns the people a builtin channel's page (or its polled
// log) says are in the channel, as "@a @b", or "" when it names nobody.
func pageMembers(t *testing.T, page []byte) string {
	t.Helper()
	m := membersRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("the page has no members line:\n%s", page)
	}
	_, names, _ := strings.Cut(html.UnescapeString(tagRE.ReplaceAllString(string(m[1]), "")), ":")
	return strings.TrimSpace(names)
}

// TestBuiltinChannelShowsItsMembers, through the real Alertmanager hook and
// the builtin chat's pages: a storm parent's channel shows the people its
// opening invited; a child whose routing names someone else gets them
// invited by the channel.invite job, and the page and its polled log then
// show them too, once, although a later child names them again.
func TestBuiltinChannelShowsItsMembers(t *testing.T) {
	cfg := testConfig(t)
	cfg.Grouping = GroupingConfig{Window: Duration(time.Hour), MaxNew: 0}
	cfg.Routing = []RouteConfig{
		{Match: map[string]string{"team": "web"}, Invite: []string{"erin"}},
		{Match: map[string]string{"team": "db"}, Invite: []string{"dave"}},
	}
	h := startHarness(t, cfg)
	h.login("alice")
	hook := h.teamAlert
	parent := h.getIncident(hook(1, "web")).Parent
	room := "/channels/" + h.channelID(parent)
	h.waitJobsDone(parent)
	read := func(path string) string {
		t.Helper()
		code, page := h.do("GET", path, nil, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d %s", path, code, page)
		}
		return pageMembers(t, page)
	}
	if got := read(room); got != "@erin" {
		t.Fatalf("the parent's channel shows %q, want its own routing's @erin", got)
	}

	hook(2, "db")
	h.waitFor("dave invited on the parent's timeline", func() bool { return len(inviteEvents(h, parent)["invited"]) == 1 })
	hook(3, "db")
	h.waitJobsDone(parent)
	for _, path := range []string{room, room + "/log"} {
		if got := read(path); got != "@erin @dave" {
			t.Errorf("%s shows %q, want @erin @dave (dave invited by the child, once)", path, got)
		}
	}
}
