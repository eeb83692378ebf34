package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// cardPresser is a chat driver that can also read the welcome card's
// buttons (their commands, in order) and press one, as a person does.
type cardPresser interface {
	chatDriver
	cardButtons(t *testing.T, room string) []string
	press(t *testing.T, room, command string)
}

// TestReopenButtonEveryBackend: on every chat backend a resolved
// incident's card offers Reopen beside Close (the one rule of
// incident/card_moves.go); pressing it, as a person does on that backend,
// opens the incident again, and the card goes back to Ack, Resolve and
// Close.
func TestReopenButtonEveryBackend(t *testing.T) {
	drivers := map[string]func() cardPresser{
		"builtin":    func() cardPresser { return &builtinDriver{} },
		"mattermost": func() cardPresser { return &mattermostDriver{} },
		"rocketchat": func() cardPresser { return &rocketchatDriver{} },
	}
	for name, newDriver := range drivers {
		t.Run(name, func(t *testing.T) { reopenByButton(t, newDriver()) })
	}
}

func reopenByButton(t *testing.T, d cardPresser) {
	h := d.start(t)
	room := h.alertRoom()
	h.waitJobsDone("INC-1")
	d.command(t, room, "resolve")
	h.waitStatus("INC-1", "resolved")
	h.waitFor("the resolved card to offer Reopen and Close", func() bool {
		h.waitJobsDone("INC-1")
		return strings.Join(d.cardButtons(t, room), ",") == "reopen,close"
	})

	d.press(t, room, "reopen")
	h.waitStatus("INC-1", "open")
	reopens := 0
	for _, e := range h.events("INC-1") {
		if e["kind"] == "status_changed" && e["from"] == "resolved" && e["to"] == "open" {
			reopens++
		}
	}
	if reopens != 1 {
		t.Errorf("%d moves from resolved to open on the timeline, want 1: %+v", reopens, h.events("INC-1"))
	}
	h.waitFor("the reopened card to offer Ack, Resolve and Close", func() bool {
		h.waitJobsDone("INC-1")
		return strings.Join(d.cardButtons(t, room), ",") == "ack,resolve,close"
	})
}

// cardButtons reads the welcome card's buttons from the channel's page.
func (d *builtinDriver) cardButtons(t *testing.T, room string) []string {
	_, page := d.h.do("GET", "/channels/"+room, nil, nil)
	return welcomeCardOnPage(t, string(page)).Buttons
}

// press posts the form of the card's button, as the page's button does;
// the button must be on the page.
func (d *builtinDriver) press(t *testing.T, room, command string) {
	if !slices.Contains(d.cardButtons(t, room), command) {
		t.Fatalf("the card on the page has no %s button", command)
	}
	form := url.Values{"command": {command}, "action": {command}}
	if code, _ := d.h.do("POST", "/channels/"+room+"/command", form, nil); code != http.StatusSeeOther {
		t.Fatalf("press %s: %d", command, code)
	}
}

// cardButtons reads the welcome post's button IDs from Mattermost.
func (d *mattermostDriver) cardButtons(t *testing.T, room string) []string {
	for _, p := range mmPosts(t, d.mm, room) {
		if strings.Contains(p.Message, "This channel is for the response") {
			return mmCardActions(p)
		}
	}
	return nil
}

// press clicks the welcome post's button through Mattermost, which calls
// warroom's action URL with the button's signed context.
func (d *mattermostDriver) press(t *testing.T, room, command string) {
	for _, p := range mmPosts(t, d.mm, room) {
		if strings.Contains(p.Message, "This channel is for the response") {
			if code := d.mm.ClickButton(t, d.mm.User.Token, p.ID, command); code != 200 {
				t.Fatalf("click %s: %d", command, code)
			}
			return
		}
	}
	t.Fatal("no welcome card to click")
}

// cardButtons reads the commands of the welcome card's buttons from the
// Rocket.Chat fake (each button sends "<trigger> <command>").
func (d *rocketchatDriver) cardButtons(t *testing.T, room string) []string {
	cards := rcWelcomeCards(t, d.rc, room)
	if len(cards) != 1 {
		return nil
	}
	var out []string
	for _, label := range rcButtons(t, cards[0]) {
		out = append(out, strings.ToLower(label))
	}
	return out
}

// press clicks the card's button as alice; Rocket.Chat sends its message
// to warroom's outgoing integration.
func (d *rocketchatDriver) press(t *testing.T, room, command string) {
	cards := rcWelcomeCards(t, d.rc, room)
	if len(cards) != 1 {
		t.Fatalf("%d welcome cards in the room, want 1", len(cards))
	}
	i := slices.IndexFunc(rcButtons(t, cards[0]), func(l string) bool { return strings.EqualFold(l, command) })
	if i < 0 {
		t.Fatalf("the welcome card has no %s button: %v", command, rcButtons(t, cards[0]))
	}
	d.rc.ClickActionAsUser("alice", cards[0].ID, i)
	d.rc.WaitDeliveries()
}
