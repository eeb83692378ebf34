package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// TestRocketChatCardFollowsTheIncident, through the real Alertmanager hook,
// the outgoing integration and the Rocket.Chat fake: the welcome card's
// buttons, title, colour and fields follow the incident as Mattermost's do
// (the same card, from the domain's one rule): no Ack once acked, Reopen
// and Close once resolved; a new title, a role and a severity show on it.
// Rocket.Chat cannot edit a message's attachments (chat.update takes the
// text only), so each change replaces the card: there is always exactly
// one, although Rocket.Chat lost the answer to the first delete.
func TestRocketChatCardFollowsTheIncident(t *testing.T) {
	h, rc := rocketchatHarness(t, rctest.Options{})
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	room := h.channelID("INC-1")
	h.waitJobsDone("INC-1")
	card := func() rctest.MessageView {
		t.Helper()
		h.waitJobsDone("INC-1")
		cards := rcWelcomeCards(t, rc, room)
		if len(cards) != 1 {
			t.Fatalf("%d welcome cards in the room, want exactly 1", len(cards))
		}
		return cards[0]
	}
	field := func(m rctest.MessageView, title string) string {
		for _, f := range rcCardOf(t, m).Fields {
			if f.Title == title {
				return f.Value
			}
		}
		return ""
	}
	say := func(text string) {
		t.Helper()
		rc.PostAsUser("alice", room, "!incident "+text, "")
		rc.WaitDeliveries()
	}
	buttons := func(m rctest.MessageView) string { return strings.Join(rcButtons(t, m), ",") }

	first := card()
	if got := buttons(first); got != "Ack,Resolve,Close" {
		t.Fatalf("opening card buttons %s, want Ack,Resolve,Close", got)
	}
	if c := rcCardOf(t, first); c.Color != "#C62828" || field(first, "Severity") != "critical" {
		t.Fatalf("opening card %+v, want critical red", c)
	}

	// Rocket.Chat deletes the old card and loses its answer: the job's
	// retry finds the new card it posted and the old one gone.
	rc.Inject(rctest.Fault{Method: "POST", Path: "chat.delete", Status: 504, Body: "gateway timeout", Committed: true})
	say("ack")
	acked := card()
	if got := buttons(acked); got != "Resolve,Close" {
		t.Errorf("acked card buttons %s, want Resolve,Close (no Ack once acked)", got)
	}
	if acked.ID == first.ID || field(acked, "Commander") != "@alice" {
		t.Errorf("acked card %s with commander %q, want a new card naming @alice", acked.ID, field(acked, "Commander"))
	}
	faulted := 0
	for _, r := range rc.Requests() {
		if r.Fault && strings.HasSuffix(r.Path, "chat.delete") {
			faulted++
		}
	}
	if faulted != 1 {
		t.Errorf("%d deletes answered by the lost-answer fault, want the one injected", faulted)
	}
	if slices.ContainsFunc(rc.Messages(room), func(m rctest.MessageView) bool { return m.ID == first.ID }) {
		t.Error("the opening card is still in the room")
	}

	say("title Checkout down in eu-1 and eu-2")
	say("role scribe @alice")
	say("severity warning")
	c := card()
	if got := rcCardOf(t, c); got.Title != "INC-1 Checkout down in eu-1 and eu-2" || got.Color != "#C49A00" {
		t.Errorf("card title %q colour %s, want the new title in the warning colour", got.Title, got.Color)
	}
	if field(c, "Scribe") != "@alice" || field(c, "Severity") != "warning" || buttons(c) != "Resolve,Close" {
		t.Errorf("card fields %+v buttons %s, want scribe @alice, severity warning, Resolve,Close", rcCardOf(t, c).Fields, buttons(c))
	}

	say("resolve")
	resolved := card()
	if got := buttons(resolved); got != "Reopen,Close" {
		t.Errorf("resolved card buttons %s, want Reopen,Close", got)
	}
	for _, e := range h.timeline("INC-1") {
		if e.Kind == "error" {
			t.Errorf("a side effect failed: %s", e.Text)
		}
	}

	// The card's Close works, and the transcript holds the card once.
	(&rocketchatDriver{rc: rc, h: h}).closeButton(t, room)
	h.waitStatus("INC-1", "archived")
	_, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	// The closing edit (no buttons left) replaced the card before the
	// transcript was read: no rebuild was needed.
	if n := countEvents(h.timeline("INC-1"), "archive_incomplete"); n != 0 {
		t.Errorf("%d archive_incomplete events, want none", n)
	}
	if n := strings.Count(string(md), "This channel is for the response"); n != 1 {
		t.Errorf("the transcript holds the welcome card %d times, want once:\n%s", n, md)
	}
}
