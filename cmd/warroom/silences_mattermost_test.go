package main

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/alertmanager/amtest"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// TestSilenceFromMattermost: /incident silence typed in a real Mattermost
// 9.9 (its own slash-command execution) makes the silence in a real
// Alertmanager 0.31.1 with the Mattermost user as author, and the silence
// is posted in the incident's Mattermost channel.
func TestSilenceFromMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	am := amtest.Start(t, amtest.Options{WebhookURL: "http://127.0.0.1:9/unused"})
	h := mattermostHarness(t, mm, func(c *Config) { c.Sources.Alertmanager.URL = am.URL })
	alice := mm.User
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		t.Fatalf("alert: %d %v", code, out)
	}
	channelID := h.channelID("INC-1")
	h.waitJobsDone("INC-1")
	if code := mm.ExecuteCommand(t, alice.Token, channelID, "/incident silence 90m"); code != 200 {
		t.Fatalf("/incident silence through Mattermost: %d", code)
	}
	var list []amSilence
	h.waitFor("the silence in Alertmanager", func() bool { amGet(t, am, "/api/v2/silences", &list); return len(list) == 1 })
	s := list[0]
	if s.CreatedBy != alice.Username || len(s.Matchers) != 1 || s.Matchers[0].Name != "alertname" || s.Matchers[0].Value != "HighLatency" {
		t.Errorf("silence %+v, want alertname=\"HighLatency\" by %s", s, alice.Username)
	}
	if want := time.Now().Add(90 * time.Minute); s.EndsAt.Before(want.Add(-time.Minute)) || s.EndsAt.After(want.Add(time.Minute)) {
		t.Errorf("ends at %v, want about %v", s.EndsAt, want)
	}
	h.waitFor("the silence posted in Mattermost", func() bool {
		for _, p := range mmPosts(t, mm, channelID) {
			if strings.Contains(p.Message, "@"+alice.Username+` silenced {alertname="HighLatency"} in Alertmanager until`) && strings.Contains(p.Message, s.ID) {
				return true
			}
		}
		return false
	})
}
