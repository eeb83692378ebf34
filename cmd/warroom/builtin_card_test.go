package main

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// builtinCard is the welcome card as a builtin channel's page shows it.
type builtinCard struct {
	MessageID string
	Severity  string // the card's colour class
	Title     string
	Fields    map[string]string // title → value
	Buttons   []string          // the commands of the buttons offered
}

var (
	cardSevRE    = regexp.MustCompile(`<div class="card sev-([a-z]+)">`)
	cardTitleRE  = regexp.MustCompile(`<div class="card-title">(.*?)</div>`)
	cardFieldRE  = regexp.MustCompile(`<dt>(.*?)</dt><dd>(.*?)</dd>`)
	cardButtonRE = regexp.MustCompile(`name="command" value="([a-z]+)"`)
)

// welcomeCardOnPage reads the welcome card from a builtin channel's page:
// the one message saying what the channel is for, with its card.
func welcomeCardOnPage(t *testing.T, page string) builtinCard {
	t.Helper()
	var found []builtinCard
	for _, item := range strings.Split(page, "<li ")[1:] {
		if !strings.Contains(item, "This channel is for the response") || !strings.Contains(item, `<div class="card `) {
			continue
		}
		c := builtinCard{Fields: map[string]string{}}
		if m := builtinIDs.FindStringSubmatch("<li " + item); m != nil {
			c.MessageID = m[1]
		}
		if m := cardSevRE.FindStringSubmatch(item); m != nil {
			c.Severity = m[1]
		}
		if m := cardTitleRE.FindStringSubmatch(item); m != nil {
			c.Title = html.UnescapeString(m[1])
		}
		for _, m := range cardFieldRE.FindAllStringSubmatch(item, -1) {
			c.Fields[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
		}
		for _, m := range cardButtonRE.FindAllStringSubmatch(item, -1) {
			c.Buttons = append(c.Buttons, m[1])
		}
		found = append(found, c)
	}
	if len(found) != 1 {
		t.Fatalf("%d welcome cards on the page, want 1:\n%s", len(found), page)
	}
	return found[0]
}

// TestBuiltinCardFollowsTheIncident, through the real Alertmanager hook,
// the builtin chat's compose form and its page: the welcome card is edited
// in place by the channel.sync job, as Mattermost's is, so its title,
// colour, severity, commander and roles are the incident's as it is now,
// not as it was at the opening.
func TestBuiltinCardFollowsTheIncident(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.login("alice")
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		t.Fatalf("alert: %d %v", code, out)
	}
	room := "/channels/" + h.channelID("INC-1")
	h.waitJobsDone("INC-1")
	card := func() builtinCard {
		t.Helper()
		h.waitJobsDone("INC-1")
		_, page := h.do("GET", room, nil, nil)
		return welcomeCardOnPage(t, string(page))
	}
	first := card()
	if first.Severity != "critical" || first.Title != "INC-1 HighLatency: p99 > 2s" || first.Fields["Severity"] != "critical" ||
		first.Fields["Commander"] != "" || strings.Join(first.Buttons, ",") != "ack,resolve,close" {
		t.Fatalf("opening card %+v", first)
	}

	for _, cmd := range []string{"ack", "title Checkout down in eu-1 and eu-2", "role scribe @alice", "severity warning"} {
		if reply := h.say(room, "/incident "+cmd); strings.HasPrefix(reply, "Refused") {
			t.Fatalf("/incident %s: %s", cmd, reply)
		}
	}
	c := card()
	want := builtinCard{MessageID: first.MessageID, Severity: "warning", Title: "INC-1 Checkout down in eu-1 and eu-2",
		Fields:  map[string]string{"Severity": "warning", "Commander": "@alice", "Scribe": "@alice"},
		Buttons: []string{"resolve", "close"}}
	if c.MessageID != want.MessageID || c.Severity != want.Severity || c.Title != want.Title || strings.Join(c.Buttons, ",") != "resolve,close" {
		t.Errorf("card after ack, title, role and severity %+v, want %+v (the same message, edited)", c, want)
	}
	for k, v := range want.Fields {
		if c.Fields[k] != v {
			t.Errorf("card field %s = %q, want %q (fields %v)", k, c.Fields[k], v, c.Fields)
		}
	}

	h.say(room, "/incident resolve")
	if c := card(); strings.Join(c.Buttons, ",") != "reopen,close" || c.MessageID != first.MessageID {
		t.Errorf("resolved card %+v, want Reopen and Close on the same message", c)
	}
	for _, e := range h.timeline("INC-1") {
		if e.Kind == "error" {
			t.Errorf("a side effect failed: %s", e.Text)
		}
	}
}
