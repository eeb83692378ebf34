package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// TestActionsThroughMattermost: on a real Mattermost, through its own
// slash command execution and post-action API: an allowed user runs a
// local command (a value with shell metacharacters reaches it as one
// argument) and an HTTP call, their outputs posted with their files, which
// the transcript keeps; a user not allowed is refused, on the timeline
// too; a run that needs a confirmation is confirmed with its card's
// button.
func TestActionsThroughMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	alice := mm.User
	var f *actionsFixture
	h := mattermostHarness(t, mm, func(cfg *Config) {
		f = newActionsFixture(t, cfg)
		cfg.Actions[0].Users = []string{alice.Username}
		cfg.Actions[2].Users = []string{alice.Username}
		cfg.Groups["ops"] = []string{alice.Username}
	})
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		t.Fatalf("alert: %d %v", code, out)
	}
	var channelID string
	h.waitFor("channel", func() bool { channelID = h.getIncident("INC-1").Channel.ID; return channelID != "" })

	cmd := `/incident run restart what="` + strings.ReplaceAll(evilValue, `"`, `\"`) + `"`
	if code := mm.ExecuteCommand(t, alice.Token, channelID, cmd); code != 200 {
		t.Fatalf("%s through Mattermost: %d", cmd, code)
	}
	if text := h.runFinished("INC-1", 1); !strings.Contains(text, "exit status 0") || !strings.Contains(text, "@"+alice.Username) {
		t.Errorf("restart's timeline entry: %q", text)
	}
	argv, _ := os.ReadFile(f.argvFile)
	if want := fmt.Sprintf("%d\t%s\n%d\t%s\n", len(evilValue), evilValue, len("INC-1"), "INC-1"); string(argv) != want {
		t.Errorf("the command got\n%s\nwant exactly two arguments\n%s", argv, want)
	}
	if code := mm.ExecuteCommand(t, alice.Token, channelID, "/incident run deploy version=v42"); code != 200 {
		t.Fatalf("run deploy: %d", code)
	}
	if text := h.runFinished("INC-1", 2); !strings.Contains(text, "HTTP 200 OK") || f.deploys.Load() != 1 {
		t.Errorf("deploy's timeline entry: %q, %d calls", text, f.deploys.Load())
	}

	// mallory is in the channel but may not run deploy.
	mallory := mm.NewUser(t, "mallory", true)
	if code := mm.Do(t, mm.AdminToken, "POST", "/api/v4/channels/"+channelID+"/members", map[string]string{"user_id": mallory.ID}, nil); code != 201 {
		t.Fatalf("add mallory to the channel: %d", code)
	}
	if code := mm.ExecuteCommand(t, mallory.Token, channelID, "/incident run deploy version=v1"); code != 200 {
		t.Fatalf("mallory's run: %d", code)
	}
	refused := false
	for _, ev := range h.timeline("INC-1") {
		refused = refused || ev.Kind == "action_refused" && strings.Contains(ev.Text, "@mallory tried /incident run deploy version=v1") &&
			strings.Contains(ev.Text, "who may: group ops")
	}
	if !refused || f.deploys.Load() != 1 {
		t.Errorf("mallory's run is not refused on the timeline (deploy called %d times)", f.deploys.Load())
	}

	// A confirmation, with the card's button.
	if code := mm.ExecuteCommand(t, alice.Token, channelID, "/incident run failover to=db1"); code != 200 {
		t.Fatalf("run failover: %d", code)
	}
	var card mmPost
	h.waitFor("the confirmation card", func() bool {
		for _, p := range mmPosts(t, mm, channelID) {
			if strings.Contains(p.Message, "asks to run **failover to=db1**") {
				card = p
			}
		}
		return card.ID != ""
	})
	if code := mm.ClickButton(t, alice.Token, card.ID, "confirm3"); code != 200 {
		t.Fatalf("click Confirm: %d", code)
	}
	if text := h.runFinished("INC-1", 3); !strings.Contains(text, "exit status 0") {
		t.Errorf("failover's timeline entry: %q", text)
	}
	h.waitFor("the outputs posted", func() bool {
		n := 0
		for _, p := range mmPosts(t, mm, channelID) {
			if strings.Contains(p.Message, "(run 1): exit status 0") || strings.Contains(p.Message, "deploy of v42 queued") {
				n++
			}
		}
		return n == 2
	})

	// The transcript keeps the outputs' files.
	if code, out := h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": alice.Username, "reason": "done"}); code != 200 {
		t.Fatalf("close: %d %v", code, out)
	}
	h.waitStatus("INC-1", "archived")
	_, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	for _, want := range []string{"📎 restart-run-1.txt", "📎 deploy-run-2.txt", "deploy of v42 queued"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Contains(string(md), "dt-0123456789") {
		t.Error("the transcript holds the secret")
	}
}
