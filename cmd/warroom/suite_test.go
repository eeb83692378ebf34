package main

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// chatDriver plays the people of one chat backend: it acts only through
// what that backend offers them (its pages, its API, its commands).
type chatDriver interface {
	// start runs warroom wired to the backend.
	start(t *testing.T) *harness
	// command runs "/incident <text>" (or the backend's trigger) in the room.
	command(t *testing.T, room, text string)
	// say posts a message, in a thread when thread is set, and returns its id.
	say(t *testing.T, room, text, thread string) string
	// upload posts a file with a caption.
	upload(t *testing.T, room, name string, data []byte)
	// pin marks a message with the backend's pin gesture.
	pin(t *testing.T, room, msgID string)
	// closeButton presses the welcome card's Close button.
	closeButton(t *testing.T, room string)
	// roomGone reports whether the room no longer exists for people.
	roomGone(t *testing.T, room string) bool
}

// TestLifecycleEveryBackend runs the same incident through every chat
// backend: alert -> room with context -> ack by command -> message, thread
// reply, file, pinned message -> close by button -> transcript archived and
// verified -> room gone.
func TestLifecycleEveryBackend(t *testing.T) {
	drivers := map[string]func() chatDriver{
		"builtin":    func() chatDriver { return &builtinDriver{} },
		"mattermost": func() chatDriver { return &mattermostDriver{} },
		"rocketchat": func() chatDriver { return &rocketchatDriver{} },
	}
	for name, newDriver := range drivers {
		t.Run(name, func(t *testing.T) { runLifecycle(t, newDriver()) })
	}
}

func runLifecycle(t *testing.T, d chatDriver) {
	h := d.start(t)
	room := h.alertRoom()
	// Let the opening posts go out before people talk.
	h.waitFor("opening posts", func() bool {
		for _, j := range h.jobs("INC-1") {
			if j.State != "done" {
				return false
			}
		}
		return true
	})

	d.command(t, room, "ack")
	h.waitFor("ack", func() bool { return h.incident("INC-1")["status"] == "acked" })

	msg := d.say(t, room, "failing over to the standby region", "")
	d.say(t, room, "standby is serving, errors down", msg)
	csv := bytes.Repeat([]byte("ts,errors\n"), 50)
	d.upload(t, room, "errors.csv", csv)
	d.pin(t, room, msg)

	d.closeButton(t, room)
	h.waitStatus("INC-1", "archived")
	h.waitFor("room gone", func() bool { return d.roomGone(t, room) })

	_, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	for _, want := range []string{"failing over to the standby region", "> ↳ reply to #", "> standby is serving, errors down",
		"📎 errors.csv (", "500 bytes) → INC-1-files/", "**pinned**", "failing over to the standby region” (", "## Timeline"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("transcript lacks %q:\n%s", want, md)
		}
	}
	_, doc := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=json", nil, bearerAPI)
	if !bytes.Contains(doc, []byte(`"thread_id":"`+msg+`"`)) {
		t.Errorf("JSON transcript does not keep the reply in its thread")
	}
	evs := h.events("INC-1")
	for _, kind := range []string{"pinned", "archive_verified", "channel_deleted"} {
		if n := countKind(evs, kind); n != 1 {
			t.Errorf("%d %s events, want 1", n, kind)
		}
	}
}

// builtinDriver acts through warroom's own channel pages.
type builtinDriver struct{ h *harness }

func (d *builtinDriver) start(t *testing.T) *harness {
	d.h = startHarness(t, testConfig(t))
	d.h.login("alice")
	return d.h
}

func (d *builtinDriver) command(t *testing.T, room, text string) {
	if code, _ := d.h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident "+text), nil); code != http.StatusSeeOther {
		t.Fatalf("/incident %s: %d", text, code)
	}
}

var builtinIDs = regexp.MustCompile(`id="m-([0-9a-f]+)"`)

func (d *builtinDriver) say(t *testing.T, room, text, thread string) string {
	form := formOf("text", text)
	form.Set("thread", thread)
	if code, _ := d.h.do("POST", "/channels/"+room+"/messages", form, nil); code != http.StatusSeeOther {
		t.Fatalf("say: %d", code)
	}
	// Find it by its text: warroom's own posts may land after it.
	_, page := d.h.do("GET", "/channels/"+room+"/log", nil, nil)
	for _, item := range strings.Split(string(page), "<li ")[1:] {
		if strings.Contains(item, "<p>"+text+"</p>") {
			if m := builtinIDs.FindStringSubmatch("<li " + item); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("message %q is not in the channel", text)
	return ""
}

func (d *builtinDriver) upload(t *testing.T, room, name string, data []byte) {
	if code := d.h.upload("/channels/"+room, "the export", name, data); code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
}

func (d *builtinDriver) pin(t *testing.T, room, msgID string) {
	if code, _ := d.h.do("POST", "/channels/"+room+"/messages/"+msgID+"/pin", url.Values{}, nil); code != http.StatusSeeOther {
		t.Fatalf("pin: %d", code)
	}
}

func (d *builtinDriver) closeButton(t *testing.T, room string) {
	form := url.Values{"command": {"close"}, "reason": {"done"}, "confirm": {"yes"}} // what the button's form asks for
	if code, _ := d.h.do("POST", "/channels/"+room+"/command", form, nil); code != http.StatusSeeOther {
		t.Fatalf("close button: %d", code)
	}
}

func (d *builtinDriver) roomGone(t *testing.T, room string) bool {
	code, _ := d.h.do("GET", "/channels/"+room+"/log", nil, nil)
	return code == http.StatusNotFound
}

// mattermostDriver acts as alice on a real Mattermost server.
type mattermostDriver struct {
	mm *mmtest.Server
	h  *harness
}

func (d *mattermostDriver) start(t *testing.T) *harness {
	d.mm = mmtest.Start(t)
	d.h = mattermostHarness(t, d.mm, nil)
	return d.h
}

func (d *mattermostDriver) command(t *testing.T, room, text string) {
	if code := d.mm.ExecuteCommand(t, d.mm.User.Token, room, "/incident "+text); code != 200 {
		t.Fatalf("/incident %s through Mattermost: %d", text, code)
	}
}

func (d *mattermostDriver) say(t *testing.T, room, text, thread string) string {
	var p mmPost
	if code := d.mm.Do(t, d.mm.User.Token, "POST", "/api/v4/posts", map[string]any{"channel_id": room, "message": text, "root_id": thread}, &p); code != 201 {
		t.Fatalf("post: %d", code)
	}
	return p.ID
}

func (d *mattermostDriver) upload(t *testing.T, room, name string, data []byte) {
	id := d.mm.UploadFile(t, d.mm.User.Token, room, name, data)
	if code := d.mm.Do(t, d.mm.User.Token, "POST", "/api/v4/posts", map[string]any{"channel_id": room, "message": "the export", "file_ids": []string{id}}, nil); code != 201 {
		t.Fatalf("post with file: %d", code)
	}
}

func (d *mattermostDriver) pin(t *testing.T, room, msgID string) {
	d.mm.Do(t, d.mm.User.Token, "POST", "/api/v4/reactions", map[string]string{"user_id": d.mm.User.ID, "post_id": msgID, "emoji_name": "pushpin"}, nil)
	d.h.waitFor("pin on the timeline", func() bool { return countKind(d.h.events("INC-1"), "pinned") == 1 })
}

func (d *mattermostDriver) closeButton(t *testing.T, room string) {
	for _, p := range mmPosts(t, d.mm, room) {
		if strings.Contains(p.Message, "This channel is for the response") {
			if code := d.mm.ClickButton(t, d.mm.User.Token, p.ID, "close"); code != 200 {
				t.Fatalf("click Close: %d", code)
			}
			return
		}
	}
	t.Fatal("no welcome card to click")
}

func (d *mattermostDriver) roomGone(t *testing.T, room string) bool {
	return d.mm.Do(t, d.mm.AdminToken, "GET", "/api/v4/channels/"+room, nil, nil) == http.StatusNotFound
}
