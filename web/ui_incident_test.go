package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// The incident page's actions run as /incident command lines naming the
// incident, through RunCommand; the reply is shown beside the actions.
func TestUIIncidentActions(t *testing.T) {
	tests := []struct {
		name  string
		form  url.Values
		reply incident.Reply
		text  string // the command line RunCommand gets; "" for none
		shown *shownReply
	}{
		{name: "ack", form: url.Values{"command": {"ack"}}, reply: incident.Reply{Text: "INC-1 acknowledged by @alice."},
			text: "/incident ack", shown: &shownReply{Typed: "/incident ack", Text: "INC-1 acknowledged by @alice."}},
		{name: "resolve", form: url.Values{"command": {"resolve"}}, reply: incident.Reply{Text: "INC-1 resolved by @alice."},
			text: "/incident resolve", shown: &shownReply{Typed: "/incident resolve", Text: "INC-1 resolved by @alice."}},
		{name: "severity", form: url.Values{"command": {"severity"}, "arg": {"critical"}}, reply: incident.Reply{Text: "INC-1 severity is now critical."},
			text: "/incident severity critical", shown: &shownReply{Typed: "/incident severity critical", Text: "INC-1 severity is now critical."}},
		{name: "a refused move", form: url.Values{"command": {"ack"}}, reply: incident.Reply{Text: "INC-1 is acked and cannot become acked", Failed: true},
			text: "/incident ack", shown: &shownReply{Typed: "/incident ack", Text: "INC-1 is acked and cannot become acked", Failed: true}},
		{name: "close with reason and confirmation", form: url.Values{"command": {"close"}, "reason": {" fixed  by\nrollback "}, "confirm": {"yes"}},
			reply: incident.Reply{Text: "INC-1 closed by @alice."},
			text:  "/incident close fixed by rollback", shown: &shownReply{Typed: "/incident close fixed by rollback", Text: "INC-1 closed by @alice."}},
		{name: "close without a reason", form: url.Values{"command": {"close"}, "confirm": {"yes"}},
			shown: &shownReply{Typed: "Close", Failed: true, Text: "Not closed: closing archives the transcript and then deletes the channel, so it needs a reason and your confirmation. Press Close, write the reason and confirm."}},
		{name: "close unconfirmed", form: url.Values{"command": {"close"}, "reason": {"fixed"}},
			shown: &shownReply{Typed: "Close", Failed: true, Text: "Not closed: closing archives the transcript and then deletes the channel, so it needs a reason and your confirmation. Press Close, write the reason and confirm."}},
		{name: "not an action of the page", form: url.Values{"command": {"graph"}, "arg": {"up"}},
			shown: &shownReply{Typed: "graph", Failed: true, Text: `The incident page has no action "graph": use Ack, Resolve, Close, Severity, Commander or the follow-ups' forms, or type any /incident command in the channel.`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, c, csrf := channelHarness(t)
			x.svc.reply = tt.reply
			tt.form.Set("csrf", csrf)
			wantRedirect(t, x.form("/incidents/INC-1/command", c, tt.form), "/incidents/INC-1#actions")
			var want []call
			if tt.text != "" {
				want = append(want, call{Method: "RunCommand", Key: "/", Actor: "alice", Text: tt.text,
					Arg: incident.CommandRequest{Actor: "alice", Text: tt.text, IncidentKey: "INC-1"}})
			}
			var got []call
			for _, cl := range x.svc.takeCalls() {
				if cl.Method == "RunCommand" {
					got = append(got, cl)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("commands run (-want +got):\n%s", diff)
			}
			body := x.wantReply("/incidents/INC-1", c, tt.shown)
			// The reply is inside the actions panel, where the person looks.
			_, panel, _ := strings.Cut(body, `<section id="actions"`)
			panel, _, _ = strings.Cut(panel, "</section>")
			if replyOf(panel) == nil {
				t.Error("the reply is not inside the actions panel")
			}
		})
	}
	x, c, csrf := channelHarness(t)
	wantPage(t, x.form("/incidents/INC-1/command", c, url.Values{"command": {"ack"}}), 403, "CSRF")
	wantPage(t, x.form("/incidents/INC-9/command", c, url.Values{"command": {"ack"}, "csrf": {csrf}}), 404, "no incident INC-9")
	x.svc.failOn("RunCommand", errStoreDown)
	wantPage(t, x.form("/incidents/INC-1/command", c, url.Values{"command": {"ack"}, "csrf": {csrf}}), 500, "internal error")
}

// The page offers only the actions the incident's status allows.
func TestUIIncidentActionsFollowTheStatus(t *testing.T) {
	x, c, _ := channelHarness(t)
	action := func(body, name string) bool {
		return strings.Contains(body, `name="command" value="`+name+`"`)
	}
	for _, tt := range []struct {
		status incident.Status
		want   map[string]bool
	}{
		{incident.StatusOpen, map[string]bool{"ack": true, "resolve": true, "close": true, "severity": true}},
		{incident.StatusAcked, map[string]bool{"ack": false, "resolve": true, "close": true, "severity": true}},
		{incident.StatusResolved, map[string]bool{"ack": false, "resolve": false, "close": true, "severity": true}},
		{incident.StatusClosed, map[string]bool{"ack": false, "resolve": false, "close": false, "severity": false}},
		{incident.StatusArchived, map[string]bool{"ack": false, "resolve": false, "close": false, "severity": false}},
	} {
		x.svc.edit("INC-1", func(inc *incident.Incident) { inc.Status = tt.status })
		body := wantPage(t, x.get("/incidents/INC-1", c), 200)
		got := map[string]bool{}
		for name := range tt.want {
			got[name] = action(body, name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: actions offered (-want +got):\n%s", tt.status, diff)
		}
		if !tt.want["severity"] && !strings.Contains(body, "INC-1 is "+string(tt.status)+": there is nothing left to do but read the record.") {
			t.Errorf("%s: the page does not say why there are no actions", tt.status)
		}
	}
}

// The card's buttons in the channel follow the incident: Ack and Resolve
// go once they would fail, and so does Close; the header's badges follow.
func TestChannelButtonsFollowTheStatus(t *testing.T) {
	x, c, _ := channelHarness(t)
	x.chat.addRoom(Room{ID: "room-1", Name: "inc-1-disk", IncidentKey: "INC-1", CreatedAt: t0},
		Line{ID: "m2", Author: "warroom", Text: "INC-1 opened", At: t0, Card: &incident.Card{Title: "disk full", Severity: incident.SeverityHigh,
			Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack"}, {ID: "resolve", Label: "Resolve", Command: "resolve"},
				{ID: "reopen", Label: "Reopen", Command: "reopen"}, {ID: "close", Label: "Close", Command: "close"}}}})
	for _, tt := range []struct {
		status incident.Status
		want   []string
	}{
		{incident.StatusOpen, []string{"ack", "resolve", "close"}},
		{incident.StatusAcked, []string{"resolve", "close"}},
		{incident.StatusResolved, []string{"reopen", "close"}},
		{incident.StatusClosed, nil},
	} {
		x.svc.edit("INC-1", func(inc *incident.Incident) { inc.Status = tt.status })
		for _, path := range []string{"/channels/room-1", "/channels/room-1/log"} {
			body := wantPage(t, x.get(path, c), 200, `<span class="status st-`+string(tt.status)+`"`)
			var got []string
			for _, name := range []string{"ack", "resolve", "reopen", "close"} {
				if strings.Contains(body, `name="command" value="`+name+`"`) {
					got = append(got, name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s %s: buttons (-want +got):\n%s", tt.status, path, diff)
			}
			if tt.want == nil && !strings.Contains(body, "INC-1 is closed: nothing left to press.") {
				t.Errorf("%s %s: the card does not say why it has no buttons", tt.status, path)
			}
		}
	}
	// The card's Close asks for a reason and a confirmation before it runs.
	x.svc.edit("INC-1", func(inc *incident.Incident) { inc.Status = incident.StatusOpen })
	wantPage(t, x.get("/channels/room-1", c), 200, `<summary>Close…</summary>`, `name="reason" required`,
		`name="confirm" value="yes" required`, "Archive the transcript, then delete #inc-1-disk")
}

// Durations on the incident page come from its times; the list shows age
// and who acked.
func TestUIDurations(t *testing.T) {
	x := newHarness(t, Config{})
	acked, resolved := t0.Add(4*time.Minute+30*time.Second), t0.Add(2*time.Hour+5*time.Minute)
	x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Status: incident.StatusResolved,
		CreatedAt: t0, AckedAt: &acked, AckedBy: "bob", ResolvedAt: &resolved})
	x.svc.add(incident.Incident{Title: "quiet", Severity: incident.SeverityInfo, CreatedAt: t0.Add(time.Hour)})
	c := x.signIn("alice", "")
	x.clock.Advance(3*time.Hour + 10*time.Minute)
	body := wantPage(t, x.get("/incidents/INC-1", c), 200,
		"<dt>Time to ack</dt><dd class=\"dur\">4m 30s</dd>", "<dt>Time to resolve</dt><dd class=\"dur\">2h 05m</dd>",
		"<dt>Time to close</dt><dd class=\"dur\">—</dd>", "<dt>Open for</dt><dd>3h 10m and counting</dd>",
		`<time datetime="2026-12-02T12:00:00Z" title="2026-12-02 12:00:00 UTC">2026-12-02 12:00:00 UTC</time> <span class="ago">(3h 10m ago)</span>`)
	if strings.Contains(body, "NaN") {
		t.Error("a duration is not a number")
	}
	closed := t0.Add(26 * time.Hour)
	x.svc.edit("INC-1", func(inc *incident.Incident) { inc.Status, inc.ClosedAt = incident.StatusClosed, &closed })
	wantPage(t, x.get("/incidents/INC-1", c), 200, "<dt>Time to close</dt><dd class=\"dur\">1d 2h</dd>", "<dt>Open for</dt><dd>1d 2h (closed)</dd>")
	wantPage(t, x.get("/incidents", c), 200, `<td class="acked" data-label="Acked by">@bob</td>`,
		`<td class="acked" data-label="Acked by"><span class="none">nobody yet</span></td>`,
		`<span title="opened 2026-12-02 12:00:00 UTC">3h 10m</span>`, `<span title="opened 2026-12-02 13:00:00 UTC">2h 10m</span>`)
}

// The timeline says what happened in words, with the actor apart, and
// filters people from warroom and the sources.
func TestUITimelineInWords(t *testing.T) {
	x := newHarness(t, Config{})
	inc := x.svc.add(incident.Incident{Title: "latency", Severity: incident.SeverityHigh, Source: "alertmanager"})
	x.svc.mu.Lock()
	stored, _ := x.svc.find(inc.Key)
	x.svc.record(stored, incident.EventAlertFiring, "alertmanager", "HighLatency", t0)
	x.svc.record(stored, incident.EventChannelOpened, "warroom", "inc-1-latency", t0)
	x.svc.events[inc.ID] = append(x.svc.events[inc.ID], incident.Event{ID: 3, Kind: incident.EventStatusChanged, Actor: "alice",
		Text: "open → acked", At: t0, From: incident.StatusOpen, To: incident.StatusAcked})
	x.svc.record(stored, incident.EventPinned, "alice", "“rolled back” (bob)", t0)
	x.svc.record(stored, incident.EventPinned, "alice", "“mine” (alice)", t0)
	x.svc.record(stored, incident.EventKind("commander_changed"), "alice", "@carol leads", t0)
	x.svc.mu.Unlock()
	c := x.signIn("alice", "")
	items := func(path string) []string {
		body := wantPage(t, x.get(path, c), 200)
		_, tl, _ := strings.Cut(body, `<ol class="timeline">`)
		tl, _, _ = strings.Cut(tl, "</ol>")
		var out []string
		for _, li := range strings.Split(tl, "<li ")[1:] {
			out = append(out, strings.Join(strings.Fields(tagRE.ReplaceAllString(strings.SplitN(li, `<div class="what">`, 2)[1], " ")), " "))
		}
		return out
	}
	all := []string{
		"Alert firing alertmanager HighLatency",
		"Channel opened warroom inc-1-latency",
		"Acknowledged @alice open → acked",
		"Pinned message @alice rolled back (written by bob)",
		"Pinned message @alice mine",
		"Commander changed @alice @carol leads",
	}
	if diff := cmp.Diff(all, items("/incidents/INC-1")); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all[2:], items("/incidents/INC-1?show=people")); diff != "" {
		t.Errorf("people's events (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all[:2], items("/incidents/INC-1?show=system")); diff != "" {
		t.Errorf("warroom's and the sources' events (-want +got):\n%s", diff)
	}
	wantPage(t, x.get("/incidents/INC-1?show=people", c), 200, `<a href="?show=people#timeline" aria-current="true">people</a>`)
}

// Browsers get error pages as HTML; the API and hooks always get JSON.
func TestErrorPagesForBrowsers(t *testing.T) {
	x := newHarness(t, Config{})
	c := x.signIn("alice", "")
	browser := []string{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
	w := x.do(req{method: "GET", path: "/nope", header: browser})
	body := wantPage(t, w, 404, "<h1>Not Found</h1>", "no such page: GET /nope", `<a href="/incidents">Back to the incidents</a>`)
	if strings.Contains(body, `{"error"`) || strings.Contains(body, `"kind"`) {
		t.Error("the browser's error page is JSON")
	}
	wantPage(t, x.do(req{method: "DELETE", path: "/incidents", header: browser, cookie: c}), 400, "DELETE is not allowed on /incidents")
	wantError(t, x.do(req{method: "GET", path: "/nope"}), 404, incident.KindNotFound, "no such page")
	wantError(t, x.do(req{method: "GET", path: "/api/v1/nope", header: browser}), 404, incident.KindNotFound, "no such page")
	wantError(t, x.do(req{method: "GET", path: "/api/v1/incidents/INC-9", header: browser}), 404, incident.KindNotFound, "INC-9")
	// A form posted without a sign-in gets a page that says where to go.
	wantPage(t, x.do(req{method: "POST", path: "/incidents", header: browser}), 401, "sign in at /login first", `<a href="/login">Sign in</a>`)
}

// An incident nobody has gets a page that says what a person can do.
func TestUINoSuchIncident(t *testing.T) {
	x := newHarness(t, Config{})
	c := x.signIn("alice", "")
	body := wantPage(t, x.get("/incidents/inc-099", c), 404, "There is no incident INC-99. It may be a typo, or a number from another warroom.",
		`<a href="/incidents">See every incident, newest first</a>`, `<a href="/incidents?status=open">See the open incidents</a>`,
		`<a href="/incidents#declare">Declare an incident</a>`)
	if strings.Contains(body, "GET /api/v1") {
		t.Error("the page tells a person to call the API")
	}
}

// The sign-in form says what it accepts and accepts what it says.
func TestUISignInNames(t *testing.T) {
	x := newHarness(t, Config{})
	page := wantPage(t, x.get("/login", nil), 200, `pattern="\s*@?[A-Za-z0-9][A-Za-z0-9._\-]{0,31}\s*"`, nameRule)
	if !strings.Contains(page, `title="`+strings.ReplaceAll(nameRule, "'", "&#39;")+`"`) {
		t.Error("the name field's title does not say the rule")
	}
	for _, tt := range []struct{ typed, user string }{
		{"Bob", "bob"}, {"@carol", "carol"}, {"  Dave.Smith ", "dave.smith"}, {"e_1-x", "e_1-x"},
		{"bad name", ""}, {"-x", ""}, {strings.Repeat("a", 33), ""}, {"", ""},
	} {
		w := x.form("/login", nil, url.Values{"name": {tt.typed}, "next": {"/incidents"}})
		if tt.user == "" {
			wantRedirect(t, w, "/login?next=%2Fincidents&error=name")
			continue
		}
		wantRedirect(t, w, "/incidents")
		var cookie *http.Cookie
		for _, ck := range w.Result().Cookies() {
			if ck.Name == sessionCookie {
				cookie = ck
			}
		}
		wantPage(t, x.get("/incidents", cookie), 200, "<span>@"+tt.user+"</span>")
	}
	wantPage(t, x.get("/login?error=name", nil), 200, "That user name was not accepted. "+strings.ReplaceAll(nameRule, "'", "&#39;"))
}

// Roles and the parent incident are shown where people look for them.
func TestUIRoles(t *testing.T) {
	x, c, _ := channelHarness(t)
	x.svc.add(incident.Incident{Title: "storm", Severity: incident.SeverityHigh})
	x.svc.edit("INC-1", func(inc *incident.Incident) {
		inc.Commander, inc.Roles, inc.Parent = "carol", map[string]string{"comms": "dave", "scribe": "erin"}, "INC-2"
	})
	wantPage(t, x.get("/incidents/INC-1", c), 200, "<dt>Commander</dt><dd>@carol</dd>", "<dt>comms</dt><dd>@dave</dd>",
		"<dt>scribe</dt><dd>@erin</dd>", `<dt>Part of</dt><dd><a href="/incidents/INC-2">INC-2</a></dd>`)
	wantPage(t, x.get("/incidents", c), 200, `<small class="lead">commander @carol</small>`)
	wantPage(t, x.get("/channels/room-1/log", c), 200, `<span class="who-leads">commander @carol</span> <span>comms @dave</span> <span>scribe @erin</span>`)
}
