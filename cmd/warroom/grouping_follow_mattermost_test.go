package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// mmCardSeverity reads the Severity field and the colour of a post's card.
func mmCardSeverity(p mmPost) (severity, color string) {
	attachments, _ := p.Props["attachments"].([]any)
	if len(attachments) == 0 {
		return "", ""
	}
	card, _ := attachments[0].(map[string]any)
	fields, _ := card["fields"].([]any)
	for _, f := range fields {
		if m, ok := f.(map[string]any); ok && m["title"] == "Severity" {
			severity = fmt.Sprint(m["value"])
		}
	}
	return severity, fmt.Sprint(card["color"])
}

// TestMattermostStormParentFollowsItsChildren, on a real Mattermost 9.9
// through the real Alertmanager hook and Mattermost's own command
// execution: a critical child raises its warning storm parent, and the
// parent channel's header and welcome card follow; the child's routing
// names dave, who is invited to the parent's channel, and ghost, whom
// Mattermost does not know (on the timeline, not fatal); one /incident ack
// typed in the parent's channel acks every open child through it.
func TestMattermostStormParentFollowsItsChildren(t *testing.T) {
	mm := mmtest.Start(t)
	dave := mm.NewUser(t, "dave", true)
	h := mattermostHarness(t, mm, func(c *Config) {
		c.Grouping = GroupingConfig{Window: Duration(time.Hour)}
		c.Routing = []RouteConfig{{Match: map[string]string{"team": "db"}, Invite: []string{dave.Username, "ghost"}}}
	})
	alice := mm.User
	hook := func(n int, sev, team string) string {
		t.Helper()
		code, ans := h.hookInto(groupAlert(t, n, sev, "firing", map[string]string{"team": team}))
		if code != 200 && code != 202 {
			t.Fatalf("alert %d: %d %+v", n, code, ans)
		}
		return ans.Incident
	}
	first := hook(1, "warning", "web")
	parent := h.getIncident(first).Parent
	room := h.channelID(parent)
	var welcome mmPost
	h.waitFor("the parent's welcome card", func() bool {
		for _, p := range mmPosts(t, mm, room) {
			if strings.Contains(p.Message, "This channel is for the response") {
				welcome = p
			}
		}
		return welcome.ID != ""
	})
	if sev, _ := mmCardSeverity(welcome); sev != "warning" {
		t.Fatalf("the welcome card says severity %q, want warning", sev)
	}

	worse := hook(2, "critical", "db")
	if got := h.getIncident(parent).Severity; got != "critical" {
		t.Fatalf("after %s (critical) attached the parent is %s", worse, got)
	}
	h.waitFor("the header and the welcome card to show critical", func() bool {
		var ch struct {
			Header string `json:"header"`
		}
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+room, nil, &ch)
		var p mmPost
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/posts/"+welcome.ID, nil, &p)
		sev, color := mmCardSeverity(p)
		return strings.Contains(ch.Header, "critical · open") && sev == "critical" && color == "#C62828"
	})

	h.waitFor("dave in the parent's channel", func() bool {
		var users []struct {
			Username string `json:"username"`
		}
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/users?per_page=200&in_channel="+room, nil, &users)
		for _, u := range users {
			if u.Username == dave.Username {
				return true
			}
		}
		return false
	})
	h.waitJobsDone(parent)
	evs := inviteEvents(h, parent)
	if len(evs["invited"]) != 1 || len(evs["not_invited"]) != 1 || !strings.Contains(evs["not_invited"][0], "@ghost") {
		t.Errorf("invite events %q, want dave invited and ghost not known", evs)
	}

	if code := mm.ExecuteCommand(t, alice.Token, room, "/incident ack"); code != 200 {
		t.Fatalf("ack: %d", code)
	}
	h.waitStatus(parent, "acked")
	for _, k := range []string{first, worse} {
		if inc := h.getIncident(k); inc.Status != "acked" || inc.AckedBy != alice.Username {
			t.Errorf("child %s is %s by %q after the parent's ack, want acked by %s", k, inc.Status, inc.AckedBy, alice.Username)
		}
	}
}
