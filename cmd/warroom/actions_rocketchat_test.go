package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// TestActionsThroughRocketChat: on the Rocket.Chat fake, through its
// outgoing webhook (!incident) and the card's buttons: a local command
// with a metacharacter value as one argument, its output posted; an
// unknown action answered in the room with the nearest name; a
// confirmation given with the card's button.
func TestActionsThroughRocketChat(t *testing.T) {
	var f *actionsFixture
	h, rc := rocketchatHarnessTuned(t, rctest.Options{}, func(cfg *Config) { f = newActionsFixture(t, cfg) })
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is down", "severity": "high"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	room := h.channelID(inc.Key)
	command := func(text string) {
		rc.PostAsUser("alice", room, "!incident "+text, "")
		rc.WaitDeliveries()
	}
	command(`run restart what="` + strings.ReplaceAll(evilValue, `"`, `\"`) + `"`)
	if text := h.runFinished(inc.Key, 1); !strings.Contains(text, "exit status 0") {
		t.Errorf("restart's timeline entry: %q", text)
	}
	argv, _ := os.ReadFile(f.argvFile)
	if want := fmt.Sprintf("%d\t%s\n%d\t%s\n", len(evilValue), evilValue, len(inc.Key), inc.Key); string(argv) != want {
		t.Errorf("the command got\n%s\nwant\n%s", argv, want)
	}
	command("run deplyo version=v1")
	command("run failover to=db2")
	var card string
	h.waitFor("the confirmation card", func() bool {
		for _, m := range rc.Messages(room) {
			if strings.Contains(m.Text, "asks to run **failover to=db2**") {
				card = m.ID
			}
		}
		return card != ""
	})
	rc.ClickActionAsUser("alice", card, 0)
	rc.WaitDeliveries()
	if text := h.runFinished(inc.Key, 2); !strings.Contains(text, "exit status 0") {
		t.Errorf("failover's timeline entry: %q", text)
	}
	h.waitJobsDone(inc.Key)
	var answered, output bool
	for _, m := range rc.Messages(room) {
		answered = answered || strings.Contains(m.Text, "did you mean deploy?")
		output = output || strings.Contains(m.Text, "(run 1): exit status 0") && strings.Contains(m.Text, "restarted: a")
	}
	if !answered || !output {
		t.Errorf("the room lacks the refusal (%v) or the output (%v)", answered, output)
	}
	if n := countEvents(h.timeline(inc.Key), "action_refused"); n != 1 {
		t.Errorf("%d refusals on the timeline, want 1", n)
	}
}
