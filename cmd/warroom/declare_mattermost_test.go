package main

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// TestDeclareFromMattermost: /incident declare typed in a real Mattermost
// 9.9 channel that belongs to no incident (Mattermost's own command
// execution) opens an incident with its own channel, the typist as
// commander, and the answer is posted where it was typed, naming the key
// and page; a declare without a title there opens nothing.
func TestDeclareFromMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	h := mattermostHarness(t, mm, nil)
	alice := mm.User
	var plain struct {
		ID string `json:"id"`
	}
	if code := mm.Do(t, alice.Token, "POST", "/api/v4/channels",
		map[string]any{"team_id": mm.TeamID, "name": "ops-general", "display_name": "ops general", "type": "O"}, &plain); code != 201 {
		t.Fatalf("create a plain channel: %d", code)
	}

	if code := mm.ExecuteCommand(t, alice.Token, plain.ID, "/incident declare checkout returns 502 high"); code != 200 {
		t.Fatalf("/incident declare through Mattermost: %d", code)
	}
	inc := h.getIncident("INC-1")
	if inc.Title != "checkout returns 502" || inc.Severity != "high" || inc.Commander != alice.Username || inc.Source != "chat" {
		t.Errorf("declared incident %+v", inc)
	}
	channelID := h.channelID("INC-1")
	if channelID == plain.ID {
		t.Fatalf("INC-1 took the channel it was declared in instead of its own")
	}
	h.waitFor("the answer in the channel it was typed in", func() bool {
		for _, p := range mmPosts(t, mm, plain.ID) {
			if strings.Contains(p.Message, "declared INC-1 checkout returns 502 (high)") && strings.Contains(p.Message, "/incidents/INC-1") {
				return true
			}
		}
		return false
	})
	h.waitJobsDone("INC-1")
	var members []struct {
		UserID string `json:"user_id"`
	}
	if code := mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID+"/members", nil, &members); code != 200 {
		t.Fatalf("members of INC-1's channel: %d", code)
	}
	invited := false
	for _, m := range members {
		invited = invited || m.UserID == alice.ID
	}
	if !invited {
		t.Errorf("the declarer %s is not in INC-1's channel (members %v)", alice.Username, members)
	}

	if code := mm.ExecuteCommand(t, alice.Token, plain.ID, "/incident declare"); code != 200 {
		t.Fatalf("/incident declare without a title: %d", code)
	}
	if n := len(h.incidents("")); n != 1 {
		t.Errorf("%d incidents, want 1: a declare without a title opens nothing", n)
	}
}
