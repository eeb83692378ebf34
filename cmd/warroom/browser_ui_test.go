package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// uiSize is a window the UI is tried at.
type uiSize struct {
	name   string
	w, h   int64
	mobile bool
}

// uiSizes: a laptop, and a phone (390x844 is an iPhone 12 to 14).
var uiSizes = []uiSize{{"desktop", 1400, 900, false}, {"phone", 390, 844, true}}

// viewport makes the tab the size of sz, as a phone when it is one.
func (b *browser) viewport(sz uiSize) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if sz.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	b.run(fmt.Sprintf("the window to be %dx%d", sz.w, sz.h), chromedp.EmulateViewport(sz.w, sz.h, opts...))
}

// noSidewaysScroll checks that the page is no wider than the window: it
// names the elements that stick out when it is.
func (b *browser) noSidewaysScroll(what string, width int64) {
	b.t.Helper()
	var wide int64
	b.run("the page's width", chromedp.Evaluate(`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`, &wide))
	if wide <= width {
		return
	}
	out := b.eval(`(() => {
		const w = ` + fmt.Sprint(width) + `, out = [];
		for (const e of document.querySelectorAll("body *")) {
			const r = e.getBoundingClientRect();
			if (r.right > w + 1 && out.length < 8) out.push(e.tagName.toLowerCase() + "." + e.className + " right=" + Math.round(r.right) + " " + JSON.stringify(e.innerText.slice(0, 40)));
		}
		return out.join("\n");
	})()`)
	b.t.Errorf("%s at %dpx: the page is %dpx wide and scrolls sideways; sticking out:\n%s", what, width, wide, out)
}

// badge is one severity or status badge as the browser draws it.
type badge struct {
	Class string  `json:"cls"`
	Text  string  `json:"text"`
	Ratio float64 `json:"ratio"`
}

// badgeContrast measures every badge on the page, plus one sample of each
// severity and status class put into the page (so that a status the page
// happens not to show, such as the short-lived closed, is measured too),
// as WCAG 2 computes contrast: the text's colour against the nearest
// opaque background.
func (b *browser) badgeContrast() []badge {
	b.t.Helper()
	var out []badge
	b.run("the contrast of every badge", chromedp.Evaluate(`(() => {
		const samples = document.createElement("p");
		samples.id = "badge-samples";
		for (const c of ["sev sev-critical", "sev sev-high", "sev sev-warning", "sev sev-info",
			"status st-open", "status st-acked", "status st-resolved", "status st-closed", "status st-archived"]) {
			const s = document.createElement("span");
			s.className = c;
			s.textContent = c.split("-")[1];
			samples.append(s, " ");
		}
		document.querySelector("main").append(samples);
		const rgb = (s) => { const p = s.match(/[\d.]+/g).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
		const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
			return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
		const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; }
			return {r: 255, g: 255, b: 255, a: 1}; };
		const out = [...document.querySelectorAll(".sev, .status")].map((e) => {
			const l1 = lum(rgb(getComputedStyle(e).color)), l2 = lum(bg(e));
			return {cls: e.className, text: e.innerText, ratio: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)};
		});
		samples.remove();
		return out;
	})()`, &out))
	return out
}

// checkBadges fails for any badge under WCAG AA's 4.5:1, and for a page
// without badges of its own.
func (b *browser) checkBadges(page string) {
	b.t.Helper()
	all := b.badgeContrast()
	if len(all) <= 9 {
		b.t.Errorf("%s: no badges of its own to measure (only the 9 samples)", page)
	}
	for _, x := range all {
		if x.Ratio < 4.5 {
			b.t.Errorf("%s: badge %q (%s) has contrast %.2f:1, under WCAG AA's 4.5:1", page, x.Text, x.Class, x.Ratio)
		}
	}
}

// signInAs signs in typing name as a person would (Bob, with a capital)
// and expects to be signed in as want.
func signInAs(b *browser, name, want string) {
	b.t.Helper()
	b.open("the sign-in page", "/login?next=/incidents")
	b.run("to fill in the sign-in form",
		chromedp.SendKeys(`input[name="name"]`, name, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="token"]`, testAPIToken, chromedp.ByQuery))
	var valid bool
	b.run("the form's own check of the name", chromedp.Evaluate(`document.querySelector('input[name="name"]').checkValidity()`, &valid))
	if !valid {
		b.t.Fatalf("the sign-in form refuses %q although it says it takes it: %s", name, b.textOf("form.stack"))
	}
	b.follow("submit the sign-in form", `form.stack button`, chromedp.ByQuery)
	b.waitPath("the incident list after signing in", "/incidents")
	b.waitText("the signed-in user in the header", "header .who", "@"+want)
}

// cardHas reports whether the welcome card offers a button or Close…
// labelled label.
func cardHasJS(label string) string {
	return `[...document.querySelectorAll(".card .actions button, .card .actions summary")].some(e => e.innerText.trim() === ` + jsString(label) + `)`
}

// TestBrowserUIAnswersWhereYouLook works an incident from its channel and
// its page at a laptop's and a phone's size, in a real Chromium: every
// reply shows in view beside what was done, a refused text stays in the
// box, the card's buttons and the header follow the incident without a
// reload, Close asks why and for a confirmation, and no page scrolls
// sideways. With WARROOM_SCREENSHOTS=1 it writes the screenshots in
// docs/screenshots/.
func TestBrowserUIAnswersWhereYouLook(t *testing.T) {
	requireChromium(t)
	for _, sz := range uiSizes {
		t.Run(sz.name, func(t *testing.T) { answersWhereYouLook(t, sz) })
	}
}

func answersWhereYouLook(t *testing.T, sz uiSize) {
	h := startHarness(t, testConfig(t))
	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["incident"] != "INC-1" {
		t.Fatalf("posting the recorded alert: want 200 and INC-1, got %d %v", code, out)
	}
	for i, sev := range []string{"high", "warning", "info"} {
		if code, _ := h.api("POST", "/incidents", map[string]any{"title": fmt.Sprintf("declared %d: checkout pods restarting in eu-west-1 after the 14:00 deploy", i+2),
			"severity": sev, "actor": "carol", "summary": "See https://grafana.example.com/d/abcdefghijklmnop/checkout-latency-overview-with-a-very-long-dashboard-name?orgId=1&var-cluster=eu-west-1&from=now-6h"}); code != 201 {
			t.Fatalf("declaring an incident: %d", code)
		}
	}
	h.api("POST", "/incidents/INC-2/ack", map[string]string{"actor": "dave"})
	h.api("POST", "/incidents/INC-3/resolve", map[string]string{"actor": "dave"})
	h.api("POST", "/incidents/INC-4/close", map[string]string{"actor": "dave", "reason": "duplicate"})
	room := "/channels/" + h.channelID("INC-1")
	h.login("alice")
	for i := range 25 {
		h.say(room, fmt.Sprintf("alice: looking at shard %d, nothing odd yet", i))
	}

	b := newBrowser(t, h.URL)
	b.viewport(sz)
	b.open("the sign-in page, signed out", "/login")
	b.noSidewaysScroll("the sign-in page", sz.w)
	signInAs(b, "Bob", "bob")
	h.waitStatus("INC-4", "archived")
	b.open("the incident list", "/incidents")
	b.noSidewaysScroll("the incident list", sz.w)
	b.checkBadges("the incident list")
	b.waitText("who acked INC-2, in the list", `table.incidents tr:has(a[href="/incidents/INC-2"]) td.acked`, "@dave")
	b.screenshot(shotName("list", sz))
	b.open("the live channels", "/channels")
	b.noSidewaysScroll("the live channels", sz.w)
	b.open("an archived incident's page", "/incidents/INC-4")
	b.waitText("the archived incident's transcript section", "main", "Transcript")
	b.noSidewaysScroll("an archived incident's page", sz.w)
	b.checkBadges("an archived incident's page")

	// The channel: a long log, so that replies must be scrolled to.
	b.open("INC-1's channel", room)
	b.waitText("the welcome card", "#log li.msg.bot .card-title", "INC-1 HighLatency")
	b.noSidewaysScroll("the live channel", sz.w)
	b.checkBadges("the live channel")
	b.run("mark the page to detect reloads", chromedp.Evaluate(`window.__sameDocument = true`, nil))

	command(b, "/incident help")
	b.waitReply("the help after /incident help", "Commands, typed in an incident channel")
	command(b, "/incident frobnicate")
	b.waitReply("the refusal of an unknown command", `unknown command "frobnicate"`)
	if got := b.value("#compose textarea"); got != "/incident frobnicate" {
		t.Errorf("after a refused command the box holds %q; want what was typed, to fix it", got)
	}
	// A message over the limit is refused, in view, and kept in the box.
	b.run("to put a 2 MB message in the box", chromedp.Evaluate(`document.querySelector("#compose textarea").value = "x".repeat(2 << 20)`, nil))
	b.click("send the 2 MB message", `#compose button`, chromedp.ByQuery)
	b.waitReply("the refusal of a 2 MB message", "the limit is")
	var kept int
	b.run("the length of the box's text", chromedp.Evaluate(`document.querySelector("#compose textarea").value.length`, &kept))
	if kept != 2<<20 {
		t.Errorf("after the refusal the box holds %d characters, want the %d typed", kept, 2<<20)
	}
	// A form from a stale page (its CSRF token no longer the session's)
	// is refused in view too, the text kept.
	b.run("to empty the box and make the form stale", chromedp.Evaluate(`(() => {
		const f = document.querySelector("#compose");
		f.querySelector("textarea").value = "";
		window.__csrf = f.querySelector('input[name="csrf"]').value;
		f.querySelector('input[name="csrf"]').value = "stale";
	})()`, nil))
	compose(b, "the dashboards look calmer")
	b.waitReply("the refusal of a stale form", "missing or wrong CSRF token")
	if got := b.value("#compose textarea"); got != "the dashboards look calmer" {
		t.Errorf("after a refused form the box holds %q, want the text typed", got)
	}
	b.run("to empty the box and restore the form", chromedp.Evaluate(`(() => {
		const f = document.querySelector("#compose");
		f.querySelector("textarea").value = "";
		f.querySelector('input[name="csrf"]').value = window.__csrf;
	})()`, nil))

	// The card's buttons and the header follow the incident, live.
	b.click("the card's Ack", cardButton("Ack"), chromedp.BySearch)
	b.waitReply("the reply after Ack", "INC-1 acknowledged by @bob")
	b.poll("the card to stop offering Ack once acked", 10*time.Second, `() => !`+cardHasJS("Ack")+` && `+cardHasJS("Resolve"))
	b.waitText("the header's status, without a reload", "#room-head .status", "acked")
	command(b, "/incident resolve")
	b.waitReply("the reply after /incident resolve", "INC-1 resolved by @bob")
	b.poll("the card to offer Reopen and Close once resolved", 10*time.Second, `() => !`+cardHasJS("Resolve")+` && `+cardHasJS("Reopen")+` && `+cardHasJS("Close…"))
	if code, _ := h.api("POST", "/incidents/INC-1/severity", map[string]string{"actor": "carol", "severity": "warning"}); code != 200 {
		t.Fatalf("carol's severity change over the API: %d", code)
	}
	b.waitText("the header's severity after carol's change, without a reload", "#room-head .sev", "warning")
	b.poll("all of it without a reload", time.Second, `() => window.__sameDocument === true`)
	b.noSidewaysScroll("the live channel after the replies", sz.w)
	b.screenshot(shotName("channel", sz))

	// The incident page: durations, the ticket, the actions and their reply.
	b.open("INC-1's page", "/incidents/INC-1")
	b.noSidewaysScroll("the incident page", sz.w)
	b.checkBadges("the incident page")
	b.waitText("time to ack", "dl.facts", "Time to ack")
	b.waitText("the ticket, linked", `dl.facts a[href="#transcript"]`, "INC-1")
	b.waitText("the timeline in words", "ol.timeline", "Acknowledged")
	b.run("the severity to set", chromedp.SetValue(`#actions select[name="arg"]`, "critical", chromedp.ByQuery))
	b.follow("set the severity on the incident page", `//section[@id="actions"]//form[.//select]//button`, chromedp.BySearch)
	b.waitText("the reply beside the actions", "#actions .replies", "INC-1 severity is now critical")
	b.inViewport("the reply beside the actions", "#actions .replies")
	b.follow("show people's events only", `//nav[@class="filter"]/a[normalize-space(.)="people"]`, chromedp.BySearch)
	b.poll("only people's events", 5*time.Second, `() => document.querySelectorAll("ol.timeline li.system").length === 0 &&
		document.querySelectorAll("ol.timeline li.person").length > 0`)
	b.open("INC-1's page again", "/incidents/INC-1")
	b.screenshot(shotName("incident", sz))

	// Close asks why and for a confirmation; without them nothing is sent.
	b.open("INC-1's channel", room)
	b.click("open the card's Close…", cardClose, chromedp.BySearch)
	confirm := `//div[contains(concat(" ", @class, " "), " card ")]//details[@open]//form`
	b.run("the card to ask why", chromedp.WaitVisible(confirm+`//input[@name="reason"]`, chromedp.BySearch))
	var valid bool
	b.run("the close form's own check", chromedp.Evaluate(`document.querySelector(".card details[open] form").checkValidity()`, &valid))
	if valid {
		t.Error("the card's Close form can be sent without a reason and a confirmation")
	}
	b.noSidewaysScroll("the channel with Close… open", sz.w)
	b.run("give the reason and confirm",
		chromedp.SendKeys(confirm+`//input[@name="reason"]`, "fixed by the rollback", chromedp.BySearch),
		chromedp.Click(confirm+`//input[@name="confirm"]`, chromedp.BySearch))
	// A refresh of the log must not throw the open form away meanwhile.
	b.poll("the Close… form to survive the log's refreshes", 5*time.Second, `() => {
		const i = document.querySelector('.card details[open] input[name="reason"]');
		return !!i && i.value === "fixed by the rollback";
	}`)
	b.follow("confirm the close", confirm+`//button`, chromedp.BySearch)
	b.waitPath("the incident page after Close", "/incidents/INC-1")
	b.waitText("the reply after Close, beside the actions", "#actions .replies", "INC-1 closed by @bob")
	b.inViewport("the reply after Close", "#actions .replies")
	if reason := h.incident("INC-1")["close_reason"]; reason != "fixed by the rollback" {
		t.Errorf("the close reason is %v, want the one typed", reason)
	}

	// Error pages are pages, and say what to do.
	b.run("a page that does not exist", chromedp.Navigate(h.URL+"/nope"))
	b.waitText("the error page", "main", "no such page: GET /nope")
	b.waitText("the error page's way back", "main ul.next", "Back to the incidents")
	b.noSidewaysScroll("the error page", sz.w)
	b.run("an unknown incident", chromedp.Navigate(h.URL+"/incidents/INC-99"))
	b.waitText("the unknown incident's page", "main", "There is no incident INC-99")
	b.noSidewaysScroll("the unknown incident's page", sz.w)
}

// shotName names a screenshot by page and size: list.png, list-phone.png.
func shotName(page string, sz uiSize) string {
	if sz.mobile {
		return page + "-phone.png"
	}
	return page + ".png"
}
