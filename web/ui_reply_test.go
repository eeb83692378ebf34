package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/warroom/warroom/incident"
)

var (
	replyRE = regexp.MustCompile(`(?s)<li class="msg ephemeral( failed)?" id="reply"[^>]*>(.*?)</li>`)
	typedRE = regexp.MustCompile(`(?s)<div class="typed">You: <code>(.*?)</code></div>`)
	textRE  = regexp.MustCompile(`(?s)<div class="text md">(?:<b class="refused">Refused:</b> )?(.*?)</div>`)
	tagRE   = regexp.MustCompile(`<[^>]+>`)
)

// shownReply is a reply as a page shows it, in text.
type shownReply struct {
	Typed, Text string
	Failed      bool
}

// replyOf reads the reply a page shows, or nil.
func replyOf(body string) *shownReply {
	m := replyRE.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	r := &shownReply{Failed: m[1] != ""}
	if t := typedRE.FindStringSubmatch(m[2]); t != nil {
		r.Typed = html.UnescapeString(t[1])
	}
	if t := textRE.FindStringSubmatch(m[2]); t != nil {
		r.Text = strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(t[1], "")))
	}
	return r
}

// wantReply follows a redirect's page and checks the reply it shows (nil:
// none) and that it shows no banner.
func (x *harness) wantReply(path string, c *http.Cookie, want *shownReply) string {
	x.t.Helper()
	body := x.get(path, c).Body.String()
	if diff := cmp.Diff(want, replyOf(body)); diff != "" {
		x.t.Errorf("reply on %s (-want +got):\n%s", path, diff)
	}
	if n, e := banners(body); n != "" || e != "" {
		x.t.Errorf("%s shows banners %q %q; a reply belongs beside what was done", path, n, e)
	}
	return body
}

// The channel page's script sends its forms with Accept: application/json
// and gets the reply to put in the log, rendered as the log shows it; a
// close tells it where to go on, and the reply waits there.
func TestChannelRepliesAsJSON(t *testing.T) {
	x, c, csrf := channelHarness(t)
	send := func(path string, v url.Values) *httptest.ResponseRecorder {
		v.Set("csrf", csrf)
		return x.do(req{method: "POST", path: path, body: v.Encode(), cookie: c,
			header: []string{"Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"}})
	}
	x.svc.reply = incident.Reply{Text: `unknown severity "huge"`, Failed: true}
	w := send("/channels/room-1/messages", url.Values{"text": {"/incident severity huge"}})
	wantStatus(t, w, 200)
	a := decode[replyAnswer](t, w)
	want := replyAnswer{Reply: &reply{Typed: "/incident severity huge", Text: `unknown severity "huge"`, Failed: true,
		Draft: "/incident severity huge", At: t0}}
	if diff := cmp.Diff(want, a, cmpopts.IgnoreFields(replyAnswer{}, "HTML")); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&shownReply{Typed: "/incident severity huge", Text: `unknown severity "huge"`, Failed: true}, replyOf(a.HTML)); diff != "" {
		t.Errorf("the reply's HTML (-want +got):\n%s", diff)
	}
	// Nothing waits in the session: the script showed it.
	x.wantReply("/channels/room-1", c, nil)

	// A message is posted and answered with no reply.
	w = send("/channels/room-1/messages", url.Values{"text": {"checking"}})
	if a := decode[replyAnswer](t, w); a.Reply != nil || a.Redirect != "" {
		t.Errorf("a posted message answered %+v", a)
	}
	if said := x.chat.takeSaid(); len(said) != 1 || said[0].Text != "checking" {
		t.Errorf("posted %+v", said)
	}

	// A close goes on to the incident page, where its reply waits.
	x.svc.takeCalls()
	x.svc.reply = incident.Reply{Text: "INC-1 closed by @alice."}
	w = send("/channels/room-1/command", url.Values{"command": {"close"}, "action": {"Close"}, "reason": {"fixed"}, "confirm": {"yes"}})
	if a := decode[replyAnswer](t, w); a.Redirect != "/incidents/INC-1#actions" {
		t.Errorf("after close the script goes to %q, want the incident page", a.Redirect)
	}
	wantCalls(t, x.svc, call{Method: "RunCommand", Key: "builtin/room-1", Actor: "alice", Text: "/incident close fixed",
		Arg: incident.CommandRequest{Backend: "builtin", ChannelID: "room-1", Actor: "alice", Text: "/incident close fixed"}},
		call{Method: "ByChannel", Key: "builtin/room-1"})
	x.wantReply("/incidents/INC-1", c, &shownReply{Typed: "Pressed Close", Text: "INC-1 closed by @alice."})

	// Refusals of warroom itself come as the API's JSON errors.
	w = x.do(req{method: "POST", path: "/channels/room-1/command", body: "command=ack", cookie: c,
		header: []string{"Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"}})
	wantError(t, w, 403, incident.KindForbidden, "CSRF")
}

// Banners and replies never come from the URL: only the session holds them.
func TestUINoTextFromTheURL(t *testing.T) {
	x, c, _ := channelHarness(t)
	for _, path := range []string{"/channels/room-1?notice=call+555&error=call+555&reply=call+555&draft=call+555",
		"/incidents/INC-1?notice=call+555&reply=call+555", "/incidents?q=call+555", "/login?error=call+555&next=/x"} {
		body := x.get(path, c).Body.String()
		body = strings.ReplaceAll(body, `value="call 555"`, "") // the search box holds the search
		if strings.Contains(body, "call 555") || strings.Contains(body, "call+555") {
			t.Errorf("%s shows text from its URL", path)
		}
	}
}
