package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// TestMattermostMergeAndSplit: on a real Mattermost, /incident merge typed
// in a storm parent's channel (through Mattermost's own command execution)
// attaches a declared incident, whose channel gets a last post pointing to
// the parent; the parent's attached-alerts post lists both; /incident
// split gives the alert's incident a channel of its own; closing the
// parent archives the merged incident and deletes its channel.
func TestMattermostMergeAndSplit(t *testing.T) {
	mm := mmtest.Start(t)
	h := mattermostHarness(t, mm, func(c *Config) { c.Grouping = GroupingConfig{Window: Duration(time.Hour)} })
	alice := mm.User
	_, ans := h.hookInto(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	child := ans.Incident
	parent := h.getIncident(child).Parent
	if parent == "" {
		t.Fatalf("%s is not attached: grouping with max_new 0 attaches every new alert", child)
	}
	var declared apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is slow", "severity": "high", "commander": alice.Username}, &declared); code != http.StatusCreated {
		t.Fatalf("declare: %d", code)
	}
	room, other := h.channelID(parent), h.channelID(declared.Key)
	has := func(channel, text string) bool {
		for _, p := range mmPosts(t, mm, channel) {
			if strings.Contains(p.Message, text) {
				return true
			}
		}
		return false
	}
	if code := mm.ExecuteCommand(t, alice.Token, room, "/incident merge "+declared.Key); code != 200 {
		t.Fatalf("merge: %d", code)
	}
	h.waitFor("the merge", func() bool { return h.getIncident(declared.Key).Parent == parent })
	h.waitFor("the merged channel's last post", func() bool { return has(other, declared.Key+" is attached to "+parent) })
	h.waitFor("the attached-alerts post lists both", func() bool { return has(room, "2 alerts attached to "+parent) })

	if code := mm.ExecuteCommand(t, alice.Token, room, "/incident split "+child); code != 200 {
		t.Fatalf("split: %d", code)
	}
	own := h.channelID(child)
	if own == room || own == other {
		t.Fatalf("the split incident got channel %s, not one of its own", own)
	}
	h.waitFor("the split incident's welcome post", func() bool { return has(own, "This channel is for the response") })

	if code := mm.ExecuteCommand(t, alice.Token, room, "/incident close done"); code != 200 {
		t.Fatalf("close: %d", code)
	}
	h.waitStatus(parent, "archived")
	h.waitStatus(declared.Key, "archived")
	if c := countEvents(h.timeline(declared.Key), "channel_deleted"); c != 1 {
		t.Errorf("the merged incident's channel deleted %d times, want once", c)
	}
	if got := h.getIncident(child).Status; got != "open" {
		t.Errorf("the split incident is %s after its old parent closed, want open", got)
	}
}
