package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/oncall"
	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

const testRCToken = "rc-outgoing-token"

// rocketchatHarness runs warroom against the fake Rocket.Chat, with the
// outgoing integration pointing at warroom.
func rocketchatHarness(t *testing.T, opts rctest.Options) (*harness, *rctest.Server) {
	t.Helper()
	return rocketchatHarnessTuned(t, opts, nil)
}

// rocketchatHarnessTuned is rocketchatHarness with tune applied to the
// config before warroom starts.
func rocketchatHarnessTuned(t *testing.T, opts rctest.Options, tune func(*Config)) (*harness, *rctest.Server) {
	t.Helper()
	rc := rctest.New(t, opts)
	cfg := testConfig(t)
	cfg.Chat.Backend = "rocketchat"
	cfg.Chat.RocketChat = defaultConfig().Chat.RocketChat
	bot := rc.Bot()
	cfg.Chat.RocketChat.URL, cfg.Chat.RocketChat.UserID, cfg.Chat.RocketChat.Token = rc.URL(), bot.ID, bot.Token
	cfg.Chat.RocketChat.WebhookToken, cfg.Chat.RocketChat.Delete = testRCToken, "permanent"
	cfg.Chat.RocketChat.Invite = []string{"alice"}
	cfg.Chat.RocketChat.PinPoll = 200 * time.Millisecond
	if tune != nil {
		tune(&cfg)
	}
	h := startHarness(t, cfg)
	rc.SetOutgoing(rctest.OutgoingWebhook{URL: h.URL + "/chat/rocketchat/webhook", Token: testRCToken, TriggerWords: []string{"!incident"}})
	return h, rc
}

// rocketchatDriver acts as alice on the fake Rocket.Chat.
type rocketchatDriver struct {
	rc *rctest.Server
	h  *harness
}

func (d *rocketchatDriver) start(t *testing.T) *harness {
	d.h, d.rc = rocketchatHarness(t, rctest.Options{})
	return d.h
}

func (d *rocketchatDriver) command(t *testing.T, room, text string) {
	d.rc.PostAsUser("alice", room, "!incident "+text, "")
	d.rc.WaitDeliveries()
}

func (d *rocketchatDriver) say(t *testing.T, room, text, thread string) string {
	return d.rc.PostAsUser("alice", room, text, thread)
}

func (d *rocketchatDriver) upload(t *testing.T, room, name string, data []byte) {
	d.rc.UploadAsUser("alice", room, name, data)
}

func (d *rocketchatDriver) pin(t *testing.T, room, msgID string) {
	d.rc.ReactAsUser("alice", msgID, ":pushpin:")
	d.h.waitFor("pin on the timeline", func() bool { return countKind(d.h.events("INC-1"), "pinned") == 1 })
}

// closeButton presses Close on the welcome card as it is once the card's
// edits are done (a change of status replaces it with the buttons left).
func (d *rocketchatDriver) closeButton(t *testing.T, room string) {
	d.h.waitJobsDone("INC-1")
	cards := rcWelcomeCards(t, d.rc, room)
	if len(cards) != 1 {
		t.Fatalf("%d welcome cards in the room, want 1", len(cards))
	}
	i := slices.Index(rcButtons(t, cards[0]), "Close")
	if i < 0 {
		t.Fatalf("the welcome card has no Close button: %v", rcButtons(t, cards[0]))
	}
	d.rc.ClickActionAsUser("alice", cards[0].ID, i)
	d.rc.WaitDeliveries()
}

// rcWelcomeCards are the welcome messages with a card in the room.
func rcWelcomeCards(t *testing.T, rc *rctest.Server, room string) []rctest.MessageView {
	t.Helper()
	var out []rctest.MessageView
	for _, m := range rc.Messages(room) {
		if strings.Contains(m.Text, "This channel is for the response") && len(m.Attachments) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// rcCard is the part of a card's attachment the tests read.
type rcCard struct {
	Color  string `json:"color"`
	Title  string `json:"title"`
	Fields []struct {
		Title string `json:"title"`
		Value string `json:"value"`
	} `json:"fields"`
	Actions []struct {
		Text string `json:"text"`
		Msg  string `json:"msg"`
	} `json:"actions"`
}

// rcCardOf decodes a message's first attachment.
func rcCardOf(t *testing.T, m rctest.MessageView) rcCard {
	t.Helper()
	var c rcCard
	if len(m.Attachments) == 0 {
		t.Fatalf("message %s has no card", m.ID)
	}
	if err := json.Unmarshal(m.Attachments[0], &c); err != nil {
		t.Fatalf("card of %s: %v", m.ID, err)
	}
	return c
}

// rcButtons are the labels of a card's buttons, in order.
func rcButtons(t *testing.T, m rctest.MessageView) []string {
	t.Helper()
	var out []string
	for _, a := range rcCardOf(t, m).Actions {
		out = append(out, a.Text)
	}
	return out
}

func (d *rocketchatDriver) roomGone(t *testing.T, room string) bool {
	v, ok := d.rc.LookupRoom(room)
	return !ok || v.Deleted
}

// TestRocketChatRoom: the room has its topic, the welcome card coloured by
// severity with buttons that put commands in the chat, the pinned summary,
// and a status message edited in place; commands answer in the room.
func TestRocketChatRoom(t *testing.T) {
	h, rc := rocketchatHarness(t, rctest.Options{})
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	var room string
	h.waitFor("room", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.waitFor("status message", func() bool {
		for _, m := range rc.Messages(room) {
			if strings.HasPrefix(m.Text, "**Status: open**") {
				return true
			}
		}
		return false
	})
	v := rc.Room(room)
	if v.Name != "inc-1-highlatency-p99-2s" || !strings.Contains(v.Topic, "critical · open") {
		t.Errorf("room = %+v", v)
	}
	var card string
	pinnedSummary := false
	for _, m := range rc.Messages(room) {
		if strings.Contains(m.Text, "This channel is for the response") && len(m.Attachments) == 1 {
			card = string(m.Attachments[0])
		}
		pinnedSummary = pinnedSummary || m.Pinned && strings.Contains(m.Text, "[incident page]")
	}
	for _, want := range []string{`"color":"#C62828"`, `"msg":"!incident ack"`, `"msg":"!incident close"`, `"msg_in_chat_window":true`} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %s: %s", want, card)
		}
	}
	if !pinnedSummary {
		t.Error("the summary is not pinned")
	}
	rc.PostAsUser("alice", room, "!incident ack", "")
	rc.WaitDeliveries()
	if inc := h.incident("INC-1"); inc["status"] != "acked" || inc["acked_by"] != "alice" {
		t.Fatalf("after !incident ack: %v", inc["status"])
	}
	h.waitFor("topic and status message follow", func() bool {
		edited := false
		for _, m := range rc.Messages(room) {
			edited = edited || strings.HasPrefix(m.Text, "**Status: acked**") && m.Edited
		}
		return edited && strings.Contains(rc.Room(room).Topic, "critical · acked") && strings.Contains(rc.Room(room).Announcement, "acked by @alice")
	})
	rc.PostAsUser("alice", room, "!incident severity apocalyptic", "")
	rc.WaitDeliveries()
	found := false
	for _, m := range rc.Messages(room) {
		found = found || m.Bot && strings.Contains(m.Text, `unknown severity "apocalyptic"`)
	}
	if !found {
		t.Error("a bad command got no answer in the room")
	}
}

// TestRocketChatWrongToken: an outgoing webhook with another token is 401
// and does nothing.
func TestRocketChatWrongToken(t *testing.T) {
	h, rc := rocketchatHarness(t, rctest.Options{})
	h.api("POST", "/incidents", map[string]string{"title": "cache stampede", "severity": "high"})
	var room string
	h.waitFor("room", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	body := []byte(`{"token":"forged","bot":false,"channel_id":"` + room + `","user_id":"x","user_name":"mallory","text":"!incident close","message_id":"m"}`)
	code, out := h.do("POST", "/chat/rocketchat/webhook", body, nil)
	if code != http.StatusUnauthorized || !strings.Contains(string(out), "webhook_token") {
		t.Errorf("forged webhook: %d %s", code, out)
	}
	rc.SetOutgoing(rctest.OutgoingWebhook{URL: h.URL + "/chat/rocketchat/webhook", Token: "stale-token", TriggerWords: []string{"!incident"}})
	rc.PostAsUser("alice", room, "!incident close", "")
	rc.WaitDeliveries()
	if inc := h.incident("INC-1"); inc["status"] != "open" {
		t.Errorf("a wrong token changed the incident: %v", inc["status"])
	}
}

// TestRocketChatRateLimited: the server answers 429 with its epoch-ms reset
// header; the jobs wait and complete, every message once.
func TestRocketChatRateLimited(t *testing.T) {
	h, rc := rocketchatHarness(t, rctest.Options{})
	rc.RateLimitNext(3, "chat.sendMessage", 700*time.Millisecond)
	h.api("POST", "/incidents", map[string]string{"title": "queue lag", "severity": "warning"})
	h.waitFor("every job done", func() bool {
		for _, j := range h.jobs("INC-1") {
			if j.State != "done" {
				return false
			}
		}
		return true
	})
	room := h.getIncident("INC-1").Channel.ID
	counts := map[string]int{}
	for _, m := range rc.Messages(room) {
		if m.Author == rc.Bot().Username && m.Type == "" {
			counts[strings.SplitN(m.Text, "\n", 2)[0]]++
		}
	}
	if len(counts) != 3 {
		t.Errorf("bot messages %v, want the welcome, the summary and the status once each", counts)
	}
	for text, n := range counts {
		if n != 1 {
			t.Errorf("%q posted %d times", text, n)
		}
	}
	_, metrics := h.do("GET", "/metrics", nil, nil)
	if !regexpRetry.Match(metrics) {
		t.Error("no retry: the 429s were not seen")
	}
	if !bytes.Contains(metrics, []byte(`warroom_jobs{state="parked"} 0`)) {
		t.Error("a job parked")
	}
}

// TestRocketChatPageByDirectMessage: the on-call person gets a direct
// message with an Ack button; pressing it puts "!incident ack INC-1" in the
// chat, which the integration (listening to direct messages) brings back.
func TestRocketChatPageByDirectMessage(t *testing.T) {
	rc := rctest.New(t, rctest.Options{})
	cfg := testConfig(t)
	cfg.Chat.Backend = "rocketchat"
	cfg.Chat.RocketChat = defaultConfig().Chat.RocketChat
	bot := rc.Bot()
	cfg.Chat.RocketChat.URL, cfg.Chat.RocketChat.UserID, cfg.Chat.RocketChat.Token = rc.URL(), bot.ID, bot.Token
	cfg.Chat.RocketChat.WebhookToken = testRCToken
	cfg.Paging = PagingConfig{
		Schedules: map[string]oncall.Schedule{"primary": {Layers: []oncall.Layer{{Name: "solo", Rotation: oncall.Rotation{
			Members: []string{"alice"}, Every: 1, Unit: "weeks", HandoffTime: "09:00", Start: "2026-01-05", TimeZone: "UTC"}}}}},
		Policies:      map[string]PolicyConfig{"default": {Steps: []PolicyStepConfig{{Notify: []string{"schedule:primary"}, Wait: Duration(time.Hour)}}}},
		DefaultPolicy: "default",
	}
	h := startHarness(t, cfg)
	rc.SetOutgoing(rctest.OutgoingWebhook{URL: h.URL + "/chat/rocketchat/webhook", Token: testRCToken, TriggerWords: []string{"!incident"},
		Channels: []string{"all_public_channels", "all_direct_messages"}})
	h.api("POST", "/incidents", map[string]string{"title": "queue stuck", "severity": "high"})
	var page rctest.MessageView
	h.waitFor("the page in alice's direct room", func() bool {
		for _, r := range rc.Rooms() {
			if r.Type != "d" {
				continue
			}
			for _, m := range rc.Messages(r.ID) {
				if strings.Contains(m.Text, "You are paged for **INC-1**") {
					page = m
					return true
				}
			}
		}
		return false
	})
	rc.ClickActionAsUser("alice", page.ID, 0)
	rc.WaitDeliveries()
	if inc := h.incident("INC-1"); inc["status"] != "acked" || inc["acked_by"] != "alice" {
		t.Errorf("after Ack in the direct room: %v by %v; deliveries %+v", inc["status"], inc["acked_by"], rc.Deliveries())
	}
}
