package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

var (
	noticeRE = regexp.MustCompile(`<p class="notice" role="status">(.*?)</p>`)
	alertRE  = regexp.MustCompile(`<p class="error" role="alert">(.*?)</p>`)
)

// banners returns the notice and error banners of a page, as text.
func banners(body string) (notice, errText string) {
	if m := noticeRE.FindStringSubmatch(body); m != nil {
		notice = html.UnescapeString(m[1])
	}
	if m := alertRE.FindStringSubmatch(body); m != nil {
		errText = html.UnescapeString(m[1])
	}
	return notice, errText
}

// wantBanners follows a redirect's page and checks its banners.
func (x *harness) wantBanners(path string, c *http.Cookie, notice, errText string) {
	x.t.Helper()
	w := x.get(path, c)
	gotN, gotE := banners(w.Body.String())
	if diff := cmp.Diff([2]string{notice, errText}, [2]string{gotN, gotE}); diff != "" {
		x.t.Errorf("banners of %s [notice, error] (-want +got):\n%s", path, diff)
	}
}

// wantPage checks an HTML answer: its status and that it holds each of
// parts (as HTML, escaped).
func wantPage(t *testing.T, w interface {
	Result() *http.Response
}, code int, parts ...string) string {
	t.Helper()
	res := w.Result()
	body := new(bytes.Buffer)
	if _, err := body.ReadFrom(res.Body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != code {
		t.Fatalf("status %d, want %d; body %s", res.StatusCode, code, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q, want HTML", ct)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options"} {
		if res.Header.Get(h) == "" {
			t.Errorf("page without %s", h)
		}
	}
	for _, p := range parts {
		if !strings.Contains(body.String(), p) {
			t.Errorf("page does not hold %q", p)
		}
	}
	return body.String()
}

func wantRedirect(t *testing.T, w interface{ Result() *http.Response }, to string) {
	t.Helper()
	res := w.Result()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != to {
		t.Fatalf("answer %d to %q, want 303 to %q", res.StatusCode, res.Header.Get("Location"), to)
	}
}

func TestUINeedsSignIn(t *testing.T) {
	x := newHarness(t, Config{})
	wantRedirect(t, x.get("/", nil), "/incidents")
	wantRedirect(t, x.get("/incidents", nil), "/login?next=%2Fincidents")
	wantRedirect(t, x.get("/incidents/INC-1?x=1", nil), "/login?next=%2Fincidents%2FINC-1%3Fx%3D1")
	wantRedirect(t, x.get("/channels/room-1", nil), "/login?next=%2Fchannels%2Froom-1")
	wantError(t, x.form("/incidents", nil, url.Values{"title": {"x"}}), 401, incident.KindUnauthorized, "sign in at /login first")
	wantRedirect(t, x.get("/incidents", &http.Cookie{Name: sessionCookie, Value: "made-up"}), "/login?next=%2Fincidents")
	wantCalls(t, x.svc)
}

func TestUILoginPage(t *testing.T) {
	x := newHarness(t, Config{APIToken: "s3cret"})
	wantPage(t, x.get("/login?next=/incidents/INC-4", nil), 200, `name="token" type="password"`, `name="next" value="/incidents/INC-4"`)
	_, e := banners(wantPage(t, x.get("/login?error=token", nil), 200))
	if e != loginMessages["token"] {
		t.Errorf("banner %q, want %q", e, loginMessages["token"])
	}
	// The URL carries a code, never text: anything else shows nothing.
	body := wantPage(t, x.get("/login?error=Your+account+is+locked", nil), 200)
	if _, e := banners(body); e != "" || strings.Contains(body, "locked") {
		t.Errorf("a banner from the URL: %q", e)
	}
	body = wantPage(t, x.get("/login?next=//evil.example", nil), 200, `name="next" value="/incidents"`)
	x = newHarness(t, Config{})
	if body = wantPage(t, x.get("/login", nil), 200); strings.Contains(body, `name="token"`) {
		t.Error("the sign-in page asks for a token that the config does not have")
	}
}

func TestUISignIn(t *testing.T) {
	tests := []struct {
		name       string
		form       url.Values
		wantTo     string
		wantCookie bool
	}{
		{"name and token", url.Values{"name": {"alice"}, "token": {"s3cret"}, "next": {"/incidents/INC-1"}}, "/incidents/INC-1", true},
		{"a name in capitals is lowered", url.Values{"name": {" Alice "}, "token": {"s3cret"}}, "/incidents", true},
		{"a bad name", url.Values{"name": {"al ice"}, "token": {"s3cret"}, "next": {"/channels"}}, "/login?next=%2Fchannels&error=name", false},
		{"no name", url.Values{"token": {"s3cret"}}, "/login?next=%2Fincidents&error=name", false},
		{"a wrong token", url.Values{"name": {"alice"}, "token": {"guess"}}, "/login?next=%2Fincidents&error=token", false},
		{"no token", url.Values{"name": {"alice"}}, "/login?next=%2Fincidents&error=token", false},
		{"next on another host", url.Values{"name": {"alice"}, "token": {"s3cret"}, "next": {"//evil.example/x"}}, "/incidents", true},
		{"next with a scheme", url.Values{"name": {"alice"}, "token": {"s3cret"}, "next": {"https://evil.example/"}}, "/incidents", true},
		{"next with a backslash", url.Values{"name": {"alice"}, "token": {"s3cret"}, "next": {`/\evil.example`}}, "/incidents", true},
		{"next with a tab", url.Values{"name": {"alice"}, "token": {"s3cret"}, "next": {"/\t/evil.example"}}, "/incidents", true},
		{"next relative", url.Values{"name": {"alice"}, "token": {"s3cret"}, "next": {"incidents"}}, "/incidents", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{APIToken: "s3cret", PublicURL: "https://warroom.example.com"})
			w := x.form("/login", nil, tt.form)
			wantRedirect(t, w, tt.wantTo)
			var got *http.Cookie
			for _, c := range w.Result().Cookies() {
				if c.Name == sessionCookie {
					got = c
				}
			}
			if (got != nil) != tt.wantCookie || x.sessions.count() != map[bool]int{true: 1}[tt.wantCookie] {
				t.Fatalf("cookie %v, %d sessions stored; want a session: %v", got, x.sessions.count(), tt.wantCookie)
			}
			if got == nil {
				return
			}
			type attrs struct {
				Path     string
				HttpOnly bool
				Secure   bool
				SameSite http.SameSite
				MaxAge   int
			}
			want := attrs{"/", true, true, http.SameSiteLaxMode, int((7 * 24 * time.Hour).Seconds())}
			if diff := cmp.Diff(want, attrs{got.Path, got.HttpOnly, got.Secure, got.SameSite, got.MaxAge}); diff != "" {
				t.Errorf("cookie (-want +got):\n%s", diff)
			}
			wantPage(t, x.get("/incidents", got), 200, "@alice")
		})
	}
}

// Wrong access tokens at sign-in count like wrong API tokens: the sixth
// try of a minute is refused (429), the right token too.
func TestUISignInIsLimited(t *testing.T) {
	x := newHarness(t, Config{APIToken: "s3cret"})
	for range failuresPerAddr {
		wantRedirect(t, x.form("/login", nil, url.Values{"name": {"alice"}, "token": {"guess"}}), "/login?next=%2Fincidents&error=token")
	}
	w := x.form("/login", nil, url.Values{"name": {"alice"}, "token": {"s3cret"}})
	wantPage(t, w, 429, "too many wrong tokens")
	if w.Result().Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	x.clock.Advance(failureWindow + time.Second)
	x.signIn("alice", "s3cret")
}

// A session ends when it expires, and when api.token changes.
func TestUISessionEnds(t *testing.T) {
	x := newHarness(t, Config{APIToken: "old"})
	c := x.signIn("alice", "old")
	wantPage(t, x.get("/incidents", c), 200, "@alice")
	other := newHarness(t, Config{APIToken: "new"}, func(d *Deps) { d.Sessions = x.sessions })
	wantRedirect(t, other.get("/incidents", c), "/login?next=%2Fincidents")
	x.clock.Advance(sessionTTL)
	wantRedirect(t, x.get("/incidents", c), "/login?next=%2Fincidents")
}

func TestUISignOut(t *testing.T) {
	x := newHarness(t, Config{})
	c := x.signIn("alice", "")
	csrf := x.csrf(c)
	wantPage(t, x.form("/logout", c, url.Values{"csrf": {"wrong"}}), 403, "missing or wrong CSRF token")
	wantPage(t, x.get("/incidents", c), 200, "@alice") // still signed in
	w := x.form("/logout", c, url.Values{"csrf": {csrf}})
	wantRedirect(t, w, "/login")
	if cs := w.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Errorf("sign-out cookies %v, want the session cookie cleared", cs)
	}
	if n := x.sessions.count(); n != 0 {
		t.Errorf("%d sessions stored after sign-out", n)
	}
	wantRedirect(t, x.get("/incidents", c), "/login?next=%2Fincidents")
	// Signing out without a session is harmless.
	wantRedirect(t, x.form("/logout", nil, nil), "/login")
	// A new sign-in replaces the old session.
	c = x.signIn("alice", "")
	x.do(req{method: "POST", path: "/login", body: "name=bob", cookie: c, header: []string{"Content-Type", "application/x-www-form-urlencoded"}})
	if n := x.sessions.count(); n != 1 {
		t.Errorf("%d sessions after signing in over one, want 1", n)
	}
}

func TestUIIncidentList(t *testing.T) {
	x := newHarness(t, Config{})
	seed(x)
	x.svc.add(incident.Incident{Title: `<script>alert("x")</script>`, Severity: incident.SeverityInfo})
	c := x.signIn("alice", "")
	x.svc.takeCalls()
	body := wantPage(t, x.get("/incidents", c), 200, `href="/incidents/INC-1"`, "disk full", "latency high",
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;")
	if strings.Contains(body, `<script>alert`) {
		t.Error("a title is not escaped")
	}
	wantPage(t, x.get("/incidents?q=disk&status=open", c), 200, `value="disk"`, `<option value="open" selected>`)
	wantCalls(t, x.svc, call{Method: "List", Arg: incident.Filter{}},
		call{Method: "List", Arg: incident.Filter{Query: "disk", Status: []incident.Status{incident.StatusOpen}}})
	wantPage(t, x.get("/incidents?q=nothing-like-it", c), 200, "No incidents match your search.")
	wantPage(t, x.get("/incidents?status=bogus", c), 400, "unknown status &#34;bogus&#34;")
	x.svc.failOn("List", errStoreDown)
	body = wantPage(t, x.get("/incidents", c), 500, "internal error; the details are in warroom&#39;s log")
	if strings.Contains(body, "database is locked") {
		t.Error("the error page shows internals")
	}
}

func TestUIDeclare(t *testing.T) {
	tests := []struct {
		name        string
		form        url.Values
		csrf        bool
		code        int
		to          string
		notice, err string
		want        *incident.Declaration
	}{
		{"declared", url.Values{"title": {"db down"}, "summary": {"writes fail"}, "severity": {"high"}}, true, 303, "/incidents/INC-1",
			"INC-1 declared; its channel is opening.", "",
			&incident.Declaration{Title: "db down", Summary: "writes fail", Severity: incident.SeverityHigh, Actor: "alice", Commander: "alice", Source: "web"}},
		{"an unknown severity", url.Values{"title": {"db down"}, "severity": {"meh"}}, true, 303, "/incidents", "", `unknown severity "meh": use one of critical, high, warning, info`, nil},
		{"no title", url.Values{"title": {""}, "severity": {"info"}}, true, 303, "/incidents", "", "title is required: say in one line what is wrong",
			&incident.Declaration{Severity: incident.SeverityInfo, Actor: "alice", Commander: "alice", Source: "web"}},
		{"no CSRF token", url.Values{"title": {"db down"}, "severity": {"high"}}, false, 403, "", "", "", nil},
		{"a wrong CSRF token", url.Values{"title": {"db down"}, "severity": {"high"}, "csrf": {"guess"}}, false, 403, "", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{})
			c := x.signIn("alice", "")
			if tt.csrf {
				tt.form.Set("csrf", x.csrf(c))
			}
			x.svc.takeCalls()
			w := x.form("/incidents", c, tt.form)
			if tt.code == 403 {
				wantPage(t, w, 403, "missing or wrong CSRF token")
				wantCalls(t, x.svc)
				return
			}
			wantRedirect(t, w, tt.to)
			if tt.want != nil {
				wantCalls(t, x.svc, call{Method: "Declare", Actor: "alice", Arg: *tt.want})
			} else {
				wantCalls(t, x.svc)
			}
			x.wantBanners(tt.to, c, tt.notice, tt.err)
			x.wantBanners(tt.to, c, "", "") // once
		})
	}
}

func TestUIIncidentPage(t *testing.T) {
	x := newHarness(t, Config{})
	closedAt := t0.Add(time.Hour)
	inc := x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh,
		Summary: "**bold** [link](javascript:alert(1))", Commander: "alice",
		Channel: incident.ChannelRef{Backend: "builtin", ID: "room-1", Name: "inc-1-disk"},
		Links:   []incident.Link{{Title: "Runbook", URL: "https://runbooks.example/disk"}, {Title: "Evil", URL: "javascript:alert(2)"}}})
	c := x.signIn("alice", "")
	wantStatus(t, x.api("POST", "/api/v1/incidents/INC-1/notes", `{"actor":"bob","text":"EU only"}`), 200)
	x.svc.edit("INC-1", func(inc *incident.Incident) {
		inc.Status, inc.ClosedAt, inc.ClosedBy, inc.CloseReason, inc.ArchivedAt = incident.StatusArchived, &closedAt, "bob", "fixed", &closedAt
	})
	x.docs.add(inc.ID, "md", "INC-1-transcript.md", "text/markdown", "# INC-1", &closedAt)
	x.docs.add(inc.ID, "json", "INC-1-transcript.json", "application/json",
		`{"messages":[{"id":"m1","author":"carol","text":"rolled *back*","at":"2026-12-02T12:30:00Z"}]}`, &closedAt)
	x.jobs.jobs = []incident.Job{{ID: 7, Kind: incident.JobOpenTicket, IncidentID: inc.ID, State: incident.JobParked, Attempts: 3, LastError: "jira said 403"}}
	body := wantPage(t, x.get("/incidents/INC-1", c), 200,
		`<span class="key">INC-1</span>: disk full`, "by @bob", "(fixed)", "#inc-1-disk (deleted after archiving)",
		"<strong>bold</strong>", `href="https://runbooks.example/disk"`,
		`<span class="kind">Note</span> <span class="actor">@bob</span></div>`, `<div class="text">EU only</div>`,
		"Stored in the ticket and verified 2026-12-02 13:00:00 UTC", `href="/incidents/INC-1/documents/INC-1-transcript.md"`,
		`<b class="author">carol</b>`, "rolled <em>back</em>", "jira said 403", "Side effects (1 jobs)")
	if strings.Contains(body, `href="javascript:`) || !strings.Contains(body, `<dd class="url">javascript:alert(2)</dd>`) {
		t.Error("a javascript: URL is a link, or is not shown as text")
	}
	wantPage(t, x.get("/incidents/INC-9", c), 404, "no incident INC-9")
	wantPage(t, x.get("/incidents/bogus", c), 400, "is not an incident key")

	// Before archiving: no transcript yet, and the live channel is linked.
	x.svc.add(incident.Incident{Title: "latency", Severity: incident.SeverityWarning,
		Channel: incident.ChannelRef{Backend: "builtin", ID: "room-2", Name: "inc-2-latency"}})
	wantPage(t, x.get("/incidents/INC-2", c), 200, `<a href="/channels/room-2">#inc-2-latency</a>`,
		"The transcript is built when the incident is closed; until then, follow the")

	// A stored transcript that cannot be read is an error, not an empty one.
	x.svc.add(incident.Incident{Title: "broken", Severity: incident.SeverityWarning, Status: incident.StatusClosed})
	x.docs.add(3, "json", "INC-3-transcript.json", "application/json", `{"messages":`, &closedAt)
	wantPage(t, x.get("/incidents/INC-3", c), 500, "internal error")
}

func TestUIDocuments(t *testing.T) {
	x := newHarness(t, Config{})
	x.svc.add(incident.Incident{Title: "disk full", Severity: incident.SeverityHigh, Status: incident.StatusArchived})
	x.docs.add(1, "md", "INC-1-transcript.md", "text/markdown", "# INC-1\n", nil)
	x.docs.add(1, "file", `INC-1-files/ab12-"graph".png`, "image/png", "\x89PNG", nil)
	c := x.signIn("alice", "")
	tests := []struct {
		path, disposition, body string
	}{
		{"/incidents/INC-1/documents/INC-1-transcript.md", `attachment; filename="INC-1-transcript.md"`, "# INC-1\n"},
		{"/incidents/INC-1/documents/INC-1-files/ab12-%22graph%22.png", `attachment; filename="ab12-graph.png"`, "\x89PNG"},
		{"/incidents/INC-1/transcript.md", `inline; filename="INC-1-transcript.md"`, "# INC-1\n"},
	}
	for _, tt := range tests {
		w := x.get(tt.path, c)
		wantStatus(t, w, 200)
		got := [3]string{w.Result().Header.Get("Content-Disposition"), w.Result().Header.Get("X-Content-Type-Options"), w.Body.String()}
		if diff := cmp.Diff([3]string{tt.disposition, "nosniff", tt.body}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, diff)
		}
	}
	wantPage(t, x.get("/incidents/INC-1/documents/other.md", c), 404, "INC-1 has no archived document &#34;other.md&#34;")
	wantError(t, x.get("/incidents/INC-1/transcript.json", c), 404, incident.KindNotFound, "INC-1 has no transcript yet")
	wantError(t, x.get("/incidents/INC-1/transcript.pdf", c), 400, incident.KindInvalid, `format="pdf"`)
}

// Error pages carry the same headers as every page: the status used to be
// written before the headers were set, so a 403, 404 or 500 page went out
// with no Content-Security-Policy, no X-Frame-Options and a sniffed type.
func TestUIErrorPagesCarryTheHeaders(t *testing.T) {
	x := newHarness(t, Config{})
	c := x.signIn("alice", "")
	for _, path := range []string{"/incidents/INC-9", "/incidents/nope", "/incidents?status=bogus"} {
		w := x.get(path, c)
		want := map[string]string{"Content-Type": "text/html; charset=utf-8", "X-Frame-Options": "DENY",
			"Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'"}
		got := map[string]string{}
		for h := range want {
			got[h] = w.Result().Header.Get(h) // as sent with the status
		}
		if diff := cmp.Diff(want, got); diff != "" || w.Code < 400 {
			t.Errorf("%s: %d (-want +got):\n%s", path, w.Code, diff)
		}
	}
}

// A declaration form over the body limit says so; it used to read as a
// form without its CSRF token and was refused as coming from another site.
func TestUIDeclareOverTheLimit(t *testing.T) {
	x := newHarness(t, Config{MaxBodyBytes: 1024})
	c := x.signIn("alice", "")
	csrf := x.csrf(c)
	x.svc.takeCalls()
	w := x.form("/incidents", c, url.Values{"csrf": {csrf}, "title": {"db down"}, "severity": {"high"}, "summary": {strings.Repeat("x", 2000)}})
	wantPage(t, w, 400, "the limit is 1024 bytes: shorten the summary and declare again")
	wantCalls(t, x.svc)
	wantRedirect(t, x.form("/incidents", c, url.Values{"csrf": {csrf}, "title": {"db down"}, "severity": {"high"}, "summary": {"short"}}), "/incidents/INC-1")
}
