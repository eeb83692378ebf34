package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPostmortemStaleSave: in a real headless Chromium, a person
// edits the postmortem while someone else saves it; their save is refused
// where they look (the problem above the box, focused and in view) with
// their text still in the box, and saving again makes it the next revision.
func TestBrowserPostmortemStaleSave(t *testing.T) {
	requireChromium(t)
	h := startHarness(t, testConfig(t))
	h.api("POST", "/incidents", map[string]string{"title": "checkout 500s", "severity": "high", "commander": "alice"})
	h.channelID("INC-1")
	h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"})
	pm := h.waitPostmortem("INC-1", 1)

	b := newBrowser(t, h.URL)
	signIn(b, "carol")
	b.open("open the postmortem's page", "/incidents/INC-1/postmortem")
	b.waitText("the drafted postmortem", "#postmortem", "Postmortem: INC-1 checkout 500s")
	// Meanwhile bob saves revision 2 through the API.
	if code, raw := h.do("PUT", "/api/v1/incidents/INC-1/postmortem", map[string]any{"body": pm.Body + "\nbob was here\n", "base_revision": 1, "actor": "bob"}, bearerAPI); code != 200 {
		t.Fatalf("bob's save: %d %s", code, raw)
	}
	b.run("carol types her lesson at the end of the box",
		chromedp.SendKeys(`.pm-edit textarea`, "\ncarol: warm the cache before the switch", chromedp.ByQuery))
	// The refusal is the page again, with its 409.
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(`.pm-edit button`, chromedp.ByQuery))
	cancel()
	if err != nil || resp == nil || resp.Status != 409 {
		t.Fatalf("carol's stale save: %v %v, want the page again with 409", resp, err)
	}
	b.waitText("the refusal above the box", "#pm-problem", "saved by bob")
	b.inViewport("the refusal", "#pm-problem")
	b.poll("the refusal to have the focus", 5*time.Second, `() => document.activeElement === document.getElementById("pm-problem")`)
	if v := b.value(".pm-edit textarea"); !strings.Contains(v, "carol: warm the cache before the switch") {
		t.Fatalf("carol's text is gone from the box after the refusal: %.200q", v)
	}
	b.follow("carol saves again", `.pm-edit button`, chromedp.ByQuery)
	b.waitText("the saved notice", "p.notice", "Saved revision 3")
	b.waitText("her revision in the history", "#rev-3", "@carol")
	if got, _ := h.postmortem("INC-1"); got.Revision != 3 || got.EditedBy != "carol" || !strings.Contains(got.Body, "carol: warm the cache before the switch") {
		t.Errorf("after the second save: revision %d by %s", got.Revision, got.EditedBy)
	}
}
