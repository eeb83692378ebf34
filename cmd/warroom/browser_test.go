package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds one browser step: a click and the page it loads, or a wait.
const stepTimeout = 20 * time.Second

// What the people in the test say in the channel.
const (
	aliceSays  = "rolling back checkout to v41 after the canary spike"
	aliceReply = "rollback done, p99 back to 300ms"
	bobSays    = "bob here: the EU dashboards look calmer"
)

// TestBrowserIncidentFlow drives the web UI in a real headless Chromium as a
// person would: sign in, find the incident, open its channel, talk, reply,
// pin, ack with the card's button, run commands, watch a message from someone
// else arrive without a reload, close, and read the archive and search it.
func TestBrowserIncidentFlow(t *testing.T) {
	requireChromium(t)
	h := startHarness(t, testConfig(t))

	// 1. An alert opens an incident and its channel.
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["incident"] != "INC-1" {
		t.Fatalf("posting the recorded alert: want 200 and INC-1, got %d %v", code, out)
	}
	var channelID string
	h.waitFor("INC-1's channel to open", func() bool {
		channelID = h.getIncident("INC-1").Channel.ID
		return channelID != ""
	})
	room := "/channels/" + channelID

	b := newBrowser(t, h.URL)

	// 2. Sign in, find the incident, follow it to its channel.
	signIn(b, "alice")
	b.follow("open INC-1 from the incident list", `table.incidents a[href="/incidents/INC-1"]`)
	b.waitText("the incident page's heading", "main h1", "INC-1: HighLatency")
	b.follow("follow the channel link on the incident page", `dl.facts a[href="`+room+`"]`)
	b.waitPath("the channel page", room)
	b.waitText("the channel page's heading", "main h1", "#inc-1-highlatency-p99-2s")
	b.waitText("the welcome post's card", "#log li.msg.bot .card-title", "INC-1 HighLatency")
	for _, label := range []string{"Ack", "Resolve"} {
		b.run("the welcome post's "+label+" button to be visible", chromedp.WaitVisible(cardButton(label), chromedp.BySearch))
	}
	b.run("the welcome post's Close… to be visible", chromedp.WaitVisible(cardClose, chromedp.BySearch))

	// 3. Talk, reply in a thread, pin.
	msgID := say(b, "alice", aliceSays)
	b.follow("click Reply on alice's message", "#"+msgID+" .tools a")
	b.run("the compose form to say it is replying in a thread", chromedp.WaitVisible("#replying"))
	b.inLogView("the message being replied to, scrolled into the log's view", "#"+msgID)
	if got := b.value("#thread"); "m-"+got != msgID {
		t.Fatalf("after clicking Reply: want the thread field to hold %q, it holds %q", strings.TrimPrefix(msgID, "m-"), got)
	}
	replyID := say(b, "alice", aliceReply)
	b.run("alice's reply to be shown as a reply (class reply, linked to its thread)",
		chromedp.WaitVisible("#"+replyID+".reply"),
		chromedp.WaitVisible(`#`+replyID+` a.thread[href="#`+msgID+`"]`))
	b.click("click Pin on alice's message", "#"+msgID+` form[action$="/pin"] button`)
	b.waitReply("the reply after pinning", "Pinned to the timeline of INC-1.")

	// 4. Ack with the card's button.
	b.click("click the card's Ack button", cardButton("Ack"), chromedp.BySearch)
	b.waitReply("the reply after Ack", "INC-1 acknowledged by @alice")
	if inc := h.incident("INC-1"); inc["status"] != "acked" || inc["acked_by"] != "alice" {
		t.Fatalf("after clicking Ack: want status acked by alice, got status %v acked_by %v", inc["status"], inc["acked_by"])
	}

	// 5. Slash commands answer in the log, after what was typed; a wrong
	// one says what is wrong.
	command(b, "/incident help")
	b.waitReply("the help text after /incident help", "Commands, typed in an incident channel")
	b.waitReply("the help text to list /incident severity", "/incident severity <level>")
	b.poll("the help text one command a line", 5*time.Second, `() => document.querySelectorAll("#reply .text li").length >= 10`)
	command(b, "/incident severity nonsense")
	b.waitReply("the error after /incident severity nonsense", `unknown severity "nonsense"`)
	b.run("the error to be marked as a refusal", chromedp.WaitVisible("#reply.failed"))
	if sev := h.incident("INC-1")["severity"]; sev != "critical" {
		t.Errorf("a refused severity command changed the severity: want critical, got %v", sev)
	}

	// 6. The open page shows what someone else says, without a reload.
	b.run("mark the page to detect reloads", chromedp.Evaluate(`window.__sameDocument = true`, nil))
	postAs(t, h, "bob", room, bobSays)
	b.poll("bob's message to appear in the open page within 10s, without a reload", 10*time.Second,
		`() => window.__sameDocument === true &&
			[...document.querySelectorAll("#log li.msg")].some(li =>
				li.querySelector(".author").innerText === "bob" && li.querySelector(".text").innerText.includes(`+jsString(bobSays)+`))`)
	b.waitText("bob's message to be the newest", "#log li.msg:last-child", bobSays)
	b.inLogView("the log to follow bob's new message into view", "#log li.msg:last-child")
	b.open("reload the channel page for its screenshot", room)
	b.waitText("bob's message after a reload", "#log li.msg:last-child", bobSays)
	b.inLogView("the newest message in view after a reload", "#log li.msg:last-child")

	// 7. Close with the card's button; the archive completes on its own.
	closeFromCard(b)
	h.waitStatus("INC-1", "archived")
	b.open("the archived incident page", "/incidents/INC-1")
	b.waitText("the incident status", "p.state .status", "archived")
	b.waitText("the transcript to hold alice's message", "ol.transcript", aliceSays)
	b.waitText("the transcript to show alice's reply as a reply", "ol.transcript li.msg.reply", aliceReply)
	b.waitText("the transcript to hold bob's message", "ol.transcript", bobSays)
	b.poll("the whole transcript shown, not clipped in a scroll box", 5*time.Second,
		`() => { const o = document.querySelector("ol.transcript"); return o.scrollHeight <= o.clientHeight + 1; }`)
	b.waitText("the timeline to have the pin", "ol.timeline li.ev-pinned", "rolling back checkout")
	b.waitText("the timeline to have the verified archive", "ol.timeline li.ev-archive_verified .kind", "Archive verified")

	// Search finds the incident by what was said in its channel.
	search(b, "canary")
	b.run("INC-1 in the results of a search for a word alice said",
		chromedp.WaitVisible(`table.incidents a[href="/incidents/INC-1"]`))
	search(b, "zeppelin")
	b.waitText("no results for a word nobody said", "table.incidents td.empty", "No incidents match")
}

// requireChromium skips the test when Chromium is not installed, unless CI
// is set: there a missing browser is a broken build machine.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	msg := "Chromium is not installed at " + chromiumPath + " (apt-get install -y --no-install-recommends chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true, so the browser test must run")
	}
	t.Skip(msg)
}

// browser is one headless Chromium tab on the service under test. Its
// methods fail the test with the step they were doing.
type browser struct {
	t     *testing.T
	ctx   context.Context // the tab
	close func()          // stops the browser
	base  string

	mu       sync.Mutex
	problems []string // uncaught exceptions and console errors of the pages
}

// newBrowser starts Chromium with a fresh profile and opens a blank tab; the
// browser is stopped when the test ends, and any JavaScript error the pages
// raised fails the test then. A start that fails is tried once more: a
// browser that does not start is no finding about the UI.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	b := &browser{t: t, base: base}
	var err error
	for attempt := 1; attempt <= 2; attempt++ {
		if err = b.start(); err == nil {
			break
		}
		t.Logf("starting Chromium, attempt %d: %v", attempt, err)
	}
	if err != nil {
		t.Fatalf("browser: expected Chromium (%s) to start, but: %v", chromiumPath, err)
	}
	t.Cleanup(func() {
		b.close()
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("the page reported a JavaScript problem: %s", p)
		}
	})
	return b
}

// start launches Chromium with the flags this machine needs and a fresh
// user-data-dir, and opens its tab.
func (b *browser) start() error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(b.t.TempDir(), "chromium-profile")),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(b.t.Logf))
	b.ctx = ctx
	b.close = func() {
		// Close the browser gracefully and wait for it, so that it has
		// stopped writing its profile when the temp dir is removed.
		closeCtx, cancelClose := context.WithTimeout(ctx, 10*time.Second)
		if err := chromedp.Cancel(closeCtx); err != nil {
			b.t.Logf("closing Chromium: %v", err)
		}
		cancelClose()
		cancelTab()
		cancelAlloc()
	}
	chromedp.ListenTarget(ctx, b.watch)
	// The first Run starts the browser; it must not have a timeout, which
	// would stop the browser when it expires. Focus emulation makes the
	// headless page behave as the focused window of a person at the
	// keyboard, so that focus events fire.
	if err := chromedp.Run(ctx, emulation.SetFocusEmulationEnabled(true)); err != nil {
		b.close()
		return err
	}
	return nil
}

// watch records uncaught exceptions and console errors, and logs the
// console's other messages and warnings. Failed resource loads (the 404 of a
// deleted channel) are logged but are no problem.
func (b *browser) watch(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		problem = ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
			problem += ": " + ex.Description
		}
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			if a.Value != nil {
				args = append(args, string(a.Value))
			} else {
				args = append(args, a.Description)
			}
		}
		if ev.Type != runtime.APITypeError && ev.Type != runtime.APITypeAssert {
			b.t.Logf("browser console.%s: %s", ev.Type, strings.Join(args, " "))
			return
		}
		problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " "))
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.LevelVerbose || ev.Entry.Level == cdplog.LevelInfo {
			return
		}
		if ev.Entry.Level != cdplog.LevelError || ev.Entry.Source == cdplog.SourceNetwork {
			b.t.Logf("browser console (%s, %s): %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
			return
		}
		problem = fmt.Sprintf("console %s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, problem)
	b.mu.Unlock()
}

// run runs actions within stepTimeout and fails the test with step, which
// says what was expected, when they fail.
func (b *browser) run(step string, actions ...chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		b.t.Fatalf("browser: expected %s, but: %v\npage at %s:\n%s", step, err, b.location(), b.bodyText())
	}
}

// navigate runs action, which loads a page (a click on a link or a form's
// button, or a navigation), waits until the page has loaded and fails when
// it is an HTTP error.
func (b *browser) navigate(step string, action chromedp.Action) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		b.t.Fatalf("browser: expected to %s and load a page, but: %v\npage at %s:\n%s", step, err, b.location(), b.bodyText())
	}
	if resp != nil && resp.Status >= 400 {
		b.t.Fatalf("browser: expected to %s and load a page, but got HTTP %d at %s:\n%s", step, resp.Status, resp.URL, b.bodyText())
	}
}

// click clicks sel, for what the page does in place (no page is loaded).
func (b *browser) click(step string, sel any, opts ...chromedp.QueryOption) {
	b.t.Helper()
	b.run(step, chromedp.Click(sel, opts...))
}

// waitReply waits until warroom's latest reply in the log shows want, and
// is in view: inside the window and inside the log's scrolled view.
func (b *browser) waitReply(what, want string) {
	b.t.Helper()
	b.waitText(what, "#reply", want)
	b.inLogView(what+", in the log's view", "#reply")
	b.inViewport(what, "#reply")
}

// inViewport waits until the element sel is inside the window: its top
// and bottom, or its top when it is taller than the window or than the
// scroll box it is in (the log), which shows only part of it.
func (b *browser) inViewport(what, sel string) {
	b.t.Helper()
	b.poll(what+" inside the viewport", 5*time.Second, `(sel) => {
		const e = document.querySelector(sel), log = document.getElementById("log");
		if (!e) return false;
		const r = e.getBoundingClientRect(), box = e.closest("#log");
		const room = Math.min(innerHeight, box ? box.clientHeight : innerHeight);
		return r.top >= -1 && r.top < innerHeight && (r.bottom <= innerHeight + 1 || r.height > room);
	}`, sel)
}

// open loads path of the service in the tab.
func (b *browser) open(step, path string) {
	b.t.Helper()
	b.navigate(step, chromedp.Navigate(b.base+path))
}

// follow clicks the link or button sel and waits for the page it leads to.
func (b *browser) follow(step string, sel any, opts ...chromedp.QueryOption) {
	b.t.Helper()
	b.navigate(step, chromedp.Click(sel, opts...))
}

// poll waits until the JavaScript function fn returns something truthy.
func (b *browser) poll(step string, timeout time.Duration, fn string, args ...any) {
	b.t.Helper()
	var ok any
	b.run(step, chromedp.PollFunction(fn, &ok, chromedp.WithPollingTimeout(timeout),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingArgs(args...)))
}

// waitText waits until the first element matching the CSS selector sel is
// shown and its text contains want.
func (b *browser) waitText(what, sel, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	var ok any
	err := chromedp.Run(ctx, chromedp.PollFunction(`(sel, want) => {
		const e = document.querySelector(sel);
		return !!e && e.offsetParent !== null && e.innerText.includes(want);
	}`, &ok, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingArgs(sel, want)))
	if err != nil {
		b.t.Fatalf("browser: expected %s (%s) to show %q, but: %v\nit shows: %q\npage at %s:\n%s",
			what, sel, want, err, b.textOf(sel), b.location(), b.bodyText())
	}
}

// waitPath waits until the tab is at path (query and fragment aside).
func (b *browser) waitPath(what, path string) {
	b.t.Helper()
	b.poll(what+" at "+path, 10*time.Second, `(p) => location.pathname === p`, path)
}

// inLogView waits until the element sel is inside the visible part of the
// channel log, which scrolls on its own.
func (b *browser) inLogView(what, sel string) {
	b.t.Helper()
	b.poll(what, 5*time.Second, `(sel) => {
		const e = document.querySelector(sel), log = document.getElementById("log");
		if (!e || !log) return false;
		const r = e.getBoundingClientRect(), l = log.getBoundingClientRect();
		return r.top >= l.top - 1 && (r.bottom <= l.bottom + 1 || (r.height > l.height && r.top < l.bottom));
	}`, sel)
}

// value is the current value of the form field sel.
func (b *browser) value(sel string) string {
	b.t.Helper()
	var v string
	b.run("the form field "+sel, chromedp.Value(sel, &v, chromedp.ByQuery))
	return v
}

// eval evaluates a JavaScript expression and returns its result as text; it
// returns the error's text when that fails, as it is only for messages.
func (b *browser) eval(expr string) string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	var s string
	if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &s)); err != nil {
		return "(" + err.Error() + ")"
	}
	return s
}

// textOf is the text of the first element matching sel, for messages.
func (b *browser) textOf(sel string) string {
	return b.eval(`(() => { const e = document.querySelector(` + jsString(sel) + `); return e ? e.innerText : "(no such element)"; })()`)
}

// bodyText is what the page shows, cut short, for messages.
func (b *browser) bodyText() string {
	s := b.eval(`document.body ? document.body.innerText : ""`)
	if len(s) > 2000 {
		s = s[:2000] + "…"
	}
	return s
}

// location is the tab's URL, for messages.
func (b *browser) location() string { return b.eval(`location.href`) }

// screenshot writes the whole page as docs/screenshots/name, only when
// WARROOM_SCREENSHOTS=1: a test run does not write into the repository.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	if os.Getenv("WARROOM_SCREENSHOTS") != "1" {
		return
	}
	var png []byte
	b.run("a screenshot for "+name, chromedp.FullScreenshot(&png, 100))
	dir := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("screenshot: expected to create %s: %v", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatalf("screenshot: expected to write %s: %v", name, err)
	}
	b.t.Logf("wrote %s (%d bytes)", filepath.Join(dir, name), len(png))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw)
}

// cardClose is an XPath (for chromedp.BySearch) to the welcome card's
// Close…, which opens the reason and confirmation.
const cardClose = `//div[contains(concat(" ", @class, " "), " card ")]//details/summary[normalize-space(.)="Close…"]`

// cardButton is an XPath (for chromedp.BySearch) to the welcome card's
// button labelled label.
func cardButton(label string) string {
	return `//div[contains(concat(" ", @class, " "), " card ")]//div[@class="actions"]//button[normalize-space(.)="` + label + `"]`
}

// signIn opens the incident list, is sent to the login page, signs in as
// name with the access token and lands back on the list with INC-1.
func signIn(b *browser, name string) {
	b.t.Helper()
	b.open("open /incidents before signing in", "/incidents")
	b.waitPath("to be sent to the login page", "/login")
	if next := b.eval(`new URLSearchParams(location.search).get("next")`); next != "/incidents" {
		b.t.Errorf("login page: want next=/incidents to come back to, got %q", next)
	}
	b.run("to fill in the sign-in form",
		chromedp.SendKeys(`input[name="name"]`, name, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="token"]`, testAPIToken, chromedp.ByQuery))
	b.follow("submit the sign-in form", `form.stack button`, chromedp.ByQuery)
	b.waitPath("to land on the incident list after signing in", "/incidents")
	b.waitText("the signed-in user in the header", "header .who", "@"+name)
	b.run("INC-1 in the incident table", chromedp.WaitVisible(`table.incidents a[href="/incidents/INC-1"]`))
}

// compose types text in the channel's compose box and sends it; the page
// sends it in place.
func compose(b *browser, text string) {
	b.t.Helper()
	b.run("to type in the compose box", chromedp.SendKeys(`#compose textarea[name="text"]`, text, chromedp.ByQuery))
	b.click("send "+jsString(text), `#compose button`, chromedp.ByQuery)
	b.poll("the compose box to have the focus again after sending, for the next message", 5*time.Second,
		`() => document.activeElement === document.querySelector("#compose textarea")`)
}

// say sends text as author and returns the element id ("m-…") of the
// message once it is in the log.
func say(b *browser, author, text string) string {
	b.t.Helper()
	compose(b, text)
	var id string
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	err := chromedp.Run(ctx, chromedp.PollFunction(`(author, text) => {
		for (const li of document.querySelectorAll("#log li.msg")) {
			if (li.querySelector(".author").innerText === author && li.querySelector(".text").innerText.trim() === text) return li.id;
		}
		return "";
	}`, &id, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingArgs(author, text)))
	if err != nil || id == "" {
		b.t.Fatalf("browser: expected %s's message %q in the channel log after sending it, but: %v\nthe log shows:\n%s",
			author, text, err, b.textOf("#log"))
	}
	return id
}

// command runs a slash command from the compose box.
func command(b *browser, text string) {
	b.t.Helper()
	compose(b, text)
}

// closeFromCard presses the card's Close…, which asks for a reason and a
// confirmation, gives both and confirms; the page goes on to the incident
// page, whose actions show the reply.
func closeFromCard(b *browser) {
	b.t.Helper()
	b.click("open the card's Close…", cardClose, chromedp.BySearch)
	confirm := `//div[contains(concat(" ", @class, " "), " card ")]//details[@open]//form`
	b.run("the card to ask why and for a confirmation",
		chromedp.WaitVisible(confirm+`//input[@name="reason"]`, chromedp.BySearch),
		chromedp.SendKeys(confirm+`//input[@name="reason"]`, "fixed by the rollback", chromedp.BySearch),
		chromedp.Click(confirm+`//input[@name="confirm"]`, chromedp.BySearch))
	b.follow("confirm the close and go on to the incident page", confirm+`//button`, chromedp.BySearch)
	b.waitPath("the incident page after Close", "/incidents/INC-1")
	b.waitText("the reply after Close, beside the actions", "#actions .replies", "INC-1 closed by @alice")
	b.inViewport("the reply after Close", "#actions .replies")
}

// search types q in the incident list's search box and submits it.
func search(b *browser, q string) {
	b.t.Helper()
	b.follow("go to the incident list with the header's link", `//header//nav/a[normalize-space(.)="Incidents"]`, chromedp.BySearch)
	b.run("to type "+jsString(q)+" in the search box", chromedp.SendKeys(`form.search input[name="q"]`, q, chromedp.ByQuery))
	b.follow("submit the search", `form.search button`, chromedp.ByQuery)
	if got := b.eval(`new URLSearchParams(location.search).get("q") || ""`); got != q {
		b.t.Fatalf("browser: expected the search for %q in the URL, got %q", q, got)
	}
}

// postAs signs in as user with a separate HTTP client, as another person in
// another browser would, and posts text to the channel at room.
func postAs(t *testing.T, h *harness, user, room, text string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	other := &harness{t: t, URL: h.URL, cfg: h.cfg, client: noRedirectClient(jar)}
	other.login(user)
	if code, body := other.do("POST", room+"/messages", url.Values{"text": {text}}, nil); code != http.StatusSeeOther {
		t.Fatalf("%s: POST %s/messages: want 303 See Other, got %d %s", user, room, code, body)
	}
	if _, page := other.do("GET", room, nil, nil); strings.Contains(string(page), `role="alert"`) {
		t.Fatalf("%s: POST %s/messages was refused:\n%s", user, room, page)
	}
}
