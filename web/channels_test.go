package web

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// channelHarness has INC-1 with its builtin channel room-1 (a message of
// alice's, and the bot's card with an Ack button), a room-2 of no
// incident, and alice signed in.
func channelHarness(t *testing.T) (*harness, *http.Cookie, string) {
	t.Helper()
	x := newHarness(t, Config{})
	x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh,
		Channel: incident.ChannelRef{Backend: "builtin", ID: "room-1", Name: "inc-1-disk"}})
	x.chat.addRoom(Room{ID: "room-1", Name: "inc-1-disk", DisplayName: "INC-1 disk full", Header: "**INC-1** disk", IncidentKey: "INC-1",
		Members: []string{"alice", "bob"}, CreatedAt: t0},
		Line{ID: "m1", Author: "alice", Text: "is it the *logs*?", At: t0},
		Line{ID: "m2", Author: "warroom", Text: "INC-1 opened", At: t0, Card: &incident.Card{Title: "disk full", Severity: incident.SeverityHigh,
			Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack"}}}})
	x.chat.addRoom(Room{ID: "room-2", Name: "random", CreatedAt: t0})
	c := x.signIn("alice", "")
	csrf := x.csrf(c)
	x.svc.takeCalls()
	return x, c, csrf
}

func TestChannelPages(t *testing.T) {
	x, c, csrf := channelHarness(t)
	wantPage(t, x.get("/channels", c), 200, `<a href="/channels/room-1">#inc-1-disk</a>`, "INC-1 disk full", `<a href="/channels">Channels</a>`)
	wantPage(t, x.get("/channels/room-1", c), 200,
		"<strong>INC-1</strong> disk", `<a href="/incidents/INC-1">INC-1</a>`, `<span class="sev sev-high" title="severity high">high</span>`,
		`<span class="status st-open" title="status: open: nobody has acked yet">open</span>`,
		`<b class="author">alice</b>`, "is it the <em>logs</em>?",
		`<form method="post" action="/channels/room-1/command"><input type="hidden" name="csrf" value="`+csrf+`"><input type="hidden" name="command" value="ack">`,
		`action="/channels/room-1/messages/m1/pin"`, `action="/channels/room-1/messages" enctype="multipart/form-data"`)
	// Who is in the channel shows in its head, which the polled log carries
	// too, so a person invited meanwhile appears without a reload.
	members := `In the channel (2): <span class="member">@alice</span> <span class="member">@bob</span>`
	wantPage(t, x.get("/channels/room-1", c), 200, members)
	body := wantPage(t, x.get("/channels/room-1/log", c), 200, `<ol class="log" id="log" data-room="room-1">`, "is it the <em>logs</em>?", members)
	if strings.Contains(body, "<header>") {
		t.Error("the polled log carries the whole layout")
	}
	wantPage(t, x.get("/channels/room-2", c), 200, "#random", "Nobody works this channel yet (no commander, no role holder, nobody invited).")
	wantPage(t, x.get("/channels/nope", c), 404, "no channel nope")
	wantPage(t, x.get("/channels/nope/log", c), 404, "no channel nope")

	x = newHarness(t, Config{}, func(d *Deps) { d.Chat = nil })
	c = x.signIn("alice", "")
	wantError(t, x.get("/channels", c), 404, incident.KindNotFound, "no such page: GET /channels")
	if strings.Contains(x.get("/incidents", c).Body.String(), `href="/channels"`) {
		t.Error("the menu links channels while the builtin chat is not in use")
	}
}

// A channel that was archived and deleted sends people to its incident.
func TestChannelArchivedAndGone(t *testing.T) {
	x, c, _ := channelHarness(t)
	x.svc.add(incident.Incident{Title: "old", Severity: incident.SeverityInfo, Status: incident.StatusArchived,
		Channel: incident.ChannelRef{Backend: "builtin", ID: "room-9", Name: "inc-2-old"}})
	wantRedirect(t, x.get("/channels/room-9", c), "/incidents/INC-2")
	x.wantBanners("/incidents/INC-2", c, "#inc-2-old was archived with INC-2 and deleted; its transcript is below.", "")
}

func TestChannelSay(t *testing.T) {
	byChannel := call{Method: "ByChannel", Key: "builtin/room-1"}
	tests := []struct {
		name   string
		form   url.Values
		status incident.Status // of INC-1
		reply  incident.Reply
		to     string
		shown  *shownReply // on the page it goes back to
		said   []Line
		calls  []call // what the service is asked
	}{
		{name: "a message", form: url.Values{"text": {"  checking the disk  "}}, to: "/channels/room-1#compose",
			said: []Line{{ID: "ma", Author: "alice", Text: "checking the disk", At: t0}}, calls: []call{byChannel}},
		{name: "a reply", form: url.Values{"text": {"yes"}, "thread": {"m1"}}, to: "/channels/room-1#compose",
			said: []Line{{ID: "ma", ThreadID: "m1", Author: "alice", Text: "yes", At: t0}}, calls: []call{byChannel}},
		{name: "an empty message", form: url.Values{"text": {" "}}, to: "/channels/room-1#compose",
			shown: &shownReply{Text: "Not sent: the message is empty", Failed: true}, calls: []call{byChannel}},
		{name: "a command", form: url.Values{"text": {"/incident ack"}}, reply: incident.Reply{Text: "INC-1 acked by alice"},
			to: "/channels/room-1#compose", shown: &shownReply{Typed: "/incident ack", Text: "INC-1 acked by alice"},
			calls: []call{{Method: "RunCommand", Key: "builtin/room-1", Actor: "alice", Text: "/incident ack",
				Arg: incident.CommandRequest{Backend: "builtin", ChannelID: "room-1", Actor: "alice", Text: "/incident ack"}}}},
		{name: "a command that fails", form: url.Values{"text": {"/incident severity huge"}},
			reply: incident.Reply{Text: `unknown severity "huge"`, Failed: true}, to: "/channels/room-1#compose",
			shown: &shownReply{Typed: "/incident severity huge", Text: `unknown severity "huge"`, Failed: true},
			calls: []call{{Method: "RunCommand", Key: "builtin/room-1", Actor: "alice", Text: "/incident severity huge",
				Arg: incident.CommandRequest{Backend: "builtin", ChannelID: "room-1", Actor: "alice", Text: "/incident severity huge"}}}},
		{name: "another slash command", form: url.Values{"text": {"/giphy cats"}}, to: "/channels/room-1#compose",
			shown: &shownReply{Typed: "/giphy cats", Text: "Unknown command: the only slash command here is /incident (try /incident help).", Failed: true}},
		{name: "close goes on to the incident page", form: url.Values{"text": {"/incident close fixed"}}, reply: incident.Reply{Text: "INC-1 closed"},
			to: "/incidents/INC-1#actions", shown: &shownReply{Typed: "/incident close fixed", Text: "INC-1 closed"},
			calls: []call{{Method: "RunCommand", Key: "builtin/room-1", Actor: "alice", Text: "/incident close fixed",
				Arg: incident.CommandRequest{Backend: "builtin", ChannelID: "room-1", Actor: "alice", Text: "/incident close fixed"}},
				byChannel}},
		{name: "the channel of a closed incident is read-only", form: url.Values{"text": {"hello?"}}, status: incident.StatusClosed,
			to:    "/channels/room-1#compose",
			shown: &shownReply{Typed: "hello?", Text: "Not sent: the incident is closed, so its channel is read-only while the transcript is archived.", Failed: true},
			calls: []call{byChannel}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, c, csrf := channelHarness(t)
			if tt.status != "" {
				x.svc.edit("INC-1", func(inc *incident.Incident) { inc.Status = tt.status })
			}
			if tt.reply.Text != "" {
				x.svc.reply = tt.reply
			}
			tt.form.Set("csrf", csrf)
			wantRedirect(t, x.form("/channels/room-1/messages", c, tt.form), tt.to)
			if diff := cmp.Diff(tt.said, x.chat.takeSaid()); diff != "" {
				t.Errorf("posted (-want +got):\n%s", diff)
			}
			wantCalls(t, x.svc, tt.calls...)
			page, _, _ := strings.Cut(tt.to, "#")
			body := x.wantReply(page, c, tt.shown)
			// A refused text is back in the box, to be fixed and sent again.
			if tt.shown != nil && tt.shown.Failed && !strings.Contains(body, ">"+html.EscapeString(strings.TrimSpace(tt.form.Get("text")))+"</textarea>") {
				t.Errorf("the refused text %q is not back in the text box", tt.form.Get("text"))
			}
		})
	}
}

func TestChannelFormsNeedCSRF(t *testing.T) {
	x, c, _ := channelHarness(t)
	for _, path := range []string{"/channels/room-1/messages", "/channels/room-1/command", "/channels/room-1/messages/m1/pin"} {
		for _, token := range []string{"", "guess"} {
			w := x.form(path, c, url.Values{"text": {"/incident close"}, "command": {"close"}, "csrf": {token}})
			wantPage(t, w, 403, "missing or wrong CSRF token")
		}
	}
	wantCalls(t, x.svc)
	if said := x.chat.takeSaid(); len(said) != 0 {
		t.Errorf("posted without a CSRF token: %v", said)
	}
	// Another site cannot even reach the form handlers.
	w := x.do(req{method: "POST", path: "/channels/room-1/messages", body: "text=hi", cookie: c,
		header: []string{"Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site"}})
	wantError(t, w, 403, incident.KindForbidden, "cross-site request refused")
}

func TestChannelButton(t *testing.T) {
	x, c, csrf := channelHarness(t)
	x.svc.reply = incident.Reply{Text: "INC-1 acked by alice", Public: true}
	wantRedirect(t, x.form("/channels/room-1/command", c, url.Values{"command": {"ack"}, "csrf": {csrf}}), "/channels/room-1#compose")
	wantCalls(t, x.svc, call{Method: "RunCommand", Key: "builtin/room-1", Actor: "alice", Text: "/incident ack",
		Arg: incident.CommandRequest{Backend: "builtin", ChannelID: "room-1", Actor: "alice", Text: "/incident ack"}})
	// The page's poll of its log does not eat the banner meant for the page.
	wantPage(t, x.get("/channels/room-1/log", c), 200)
	x.wantReply("/channels/room-1", c, &shownReply{Typed: "Pressed ack", Text: "INC-1 acked by alice"})
	// warroom failing is an error page, not a banner.
	x.svc.failOn("RunCommand", errStoreDown)
	wantPage(t, x.form("/channels/room-1/command", c, url.Values{"command": {"ack"}, "csrf": {csrf}}), 500, "internal error")
}

func TestChannelPin(t *testing.T) {
	x, c, csrf := channelHarness(t)
	pin := func(room, msg string) *http.Response {
		return x.form("/channels/"+room+"/messages/"+msg+"/pin", c, url.Values{"csrf": {csrf}}).Result()
	}
	want := call{Method: "Pin", Key: "builtin/room-1", Actor: "alice", Arg: incident.PinnedMessage{ID: "m1", Author: "alice", Text: "is it the *logs*?", At: t0}}
	for range 2 {
		wantRedirect(t, recorded(pin("room-1", "m1")), "/channels/room-1#compose")
		x.wantReply("/channels/room-1", c, &shownReply{Typed: "Pin alice’s message “is it the *logs*?”", Text: "Pinned to the timeline of INC-1."})
	}
	var pins []call
	for _, cl := range x.svc.takeCalls() {
		if cl.Method == "Pin" {
			pins = append(pins, cl)
		}
	}
	if diff := cmp.Diff([]call{want, want}, pins); diff != "" {
		t.Errorf("pins (-want +got):\n%s", diff)
	}
	events, err := x.svc.Timeline(t.Context(), "INC-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Kind != incident.EventPinned || !events[0].At.Equal(t0) {
		t.Errorf("timeline after pinning twice: %+v, want one pin at the message's time", events)
	}
	wantPage(t, recorded(pin("room-1", "m404")), 404, "no message m404 in room-1")
	x.chat.addRoom(Room{ID: "room-3", Name: "r3"}, Line{ID: "z", Author: "bob", Text: "hi", At: t0})
	wantRedirect(t, recorded(pin("room-3", "z")), "/channels/room-3#compose")
	x.wantReply("/channels/room-3", c, &shownReply{Typed: "Pin bob’s message “hi”", Text: "Not pinned: no incident has the builtin channel room-3", Failed: true})
}

// recorded lets a *http.Response stand where the page checks take a
// recorder.
type recordedResponse struct{ res *http.Response }

func (r recordedResponse) Result() *http.Response { return r.res }

func recorded(res *http.Response) recordedResponse { return recordedResponse{res} }

func TestChannelUpload(t *testing.T) {
	x, c, csrf := channelHarness(t)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"csrf": csrf, "text": "the graph", "thread": ""} {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "graph.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte("\x89PNG data"))
	if _, err := mw.CreateFormFile("file", ""); err != nil { // the empty file input of a browser
		t.Fatal(err)
	}
	mw.Close()
	w := x.do(req{method: "POST", path: "/channels/room-1/messages", body: body.String(), cookie: c,
		header: []string{"Content-Type", mw.FormDataContentType()}})
	wantRedirect(t, w, "/channels/room-1#compose")
	said := x.chat.takeSaid()
	wantFiles := []LineFile{{ID: "ma-f0", Name: "graph.png", Type: "application/octet-stream", Size: 9}}
	if len(said) != 1 || !cmp.Equal(wantFiles, said[0].Files) || said[0].Text != "the graph" {
		t.Fatalf("posted %+v, want one message with %+v", said, wantFiles)
	}
	fw2 := x.get("/channels/room-1/files/ma-f0", c)
	wantStatus(t, fw2, 200)
	got := [4]string{fw2.Result().Header.Get("Content-Type"), fw2.Result().Header.Get("Content-Disposition"),
		fw2.Result().Header.Get("X-Content-Type-Options"), fw2.Body.String()}
	if diff := cmp.Diff([4]string{"application/octet-stream", `attachment; filename="graph.png"`, "nosniff", "\x89PNG data"}, got); diff != "" {
		t.Errorf("file download (-want +got):\n%s", diff)
	}
	wantPage(t, x.get("/channels/room-1/files/nope", c), 404, "no file nope in room-1")
	// A broken upload is a banner that says the limit.
	w = x.do(req{method: "POST", path: "/channels/room-1/messages", body: "--x\r\nbroken", cookie: c,
		header: []string{"Content-Type", "multipart/form-data; boundary=x"}})
	wantRedirect(t, w, "/channels/room-1#compose")
	if r := replyOf(x.get("/channels/room-1", c).Body.String()); r == nil || !r.Failed ||
		!strings.HasPrefix(r.Text, "Not sent: the upload is too large or broken") || !strings.HasSuffix(r.Text, "the limit is 25 MiB") {
		t.Errorf("reply after a broken upload: %+v", r)
	}
	if said := x.chat.takeSaid(); len(said) != 0 {
		t.Errorf("a broken upload posted %+v", said)
	}
}
