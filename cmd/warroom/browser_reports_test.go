package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReportsPage opens the reports page over four weeks of
// incidents (acked and resolved at known offsets on a moved clock) at a
// laptop's and a phone's size: the chart is drawn, the tables hold the
// means, nothing scrolls sideways and the badges pass WCAG AA. With
// WARROOM_SCREENSHOTS=1 it writes docs/screenshots/reports.png and
// reports-phone.png.
func TestBrowserReportsPage(t *testing.T) {
	requireChromium(t)
	for _, sz := range uiSizes {
		t.Run(sz.name, func(t *testing.T) { reportsPage(t, sz) })
	}
}

func reportsPage(t *testing.T, sz uiSize) {
	c := startClocked(t, testConfig(t), nil)
	n := 0
	for week := range 4 {
		for i, sev := range []string{"critical", "high", "warning"} {
			n++
			key := fmt.Sprintf("INC-%d", n)
			if code, _ := c.api("POST", "/incidents", map[string]any{"title": fmt.Sprintf("week %d: %s incident", week+1, sev), "severity": sev}); code != 201 {
				t.Fatalf("declare %s: %d", key, code)
			}
			c.waitJobsDone(key)
			c.clock.add(time.Duration(2+week+i*3) * time.Minute)
			c.api("POST", "/incidents/"+key+"/ack", map[string]string{"actor": "alice"})
			c.waitJobsDone(key)
			c.clock.add(time.Duration(20+week*10+i*15) * time.Minute)
			if week < 3 || i == 0 { // this week's high and warning still run
				c.api("POST", "/incidents/"+key+"/resolve", map[string]string{"actor": "alice"})
				c.waitJobsDone(key)
			}
		}
		if week < 3 {
			c.clock.add(7 * 24 * time.Hour)
		}
	}

	b := newBrowser(t, c.URL)
	b.viewport(sz)
	signInAs(b, "alice", "alice")
	b.open("the reports page", "/reports")
	b.waitText("the heading", "main h1", "Reports")
	b.poll("the chart drawn by the server", 5*time.Second, `() => { const i = document.querySelector("figure.chart img"); return i && i.complete && i.naturalWidth > 0; }`)
	b.waitText("the severities", "main", "critical")
	b.waitText("the by-week table", "main", "By week")
	b.waitText("critical's MTTA: acks after 2, 3, 4 and 5 minutes", `table.report tr:has(.sev-critical)`, "3.5m")
	var rows int
	b.run("the table rows", chromedp.Evaluate(`document.querySelectorAll("table.report tbody tr").length`, &rows))
	if rows < 1+3+1+12 { // overall, 3 severities, 1 source, 12 weeks
		t.Errorf("%d table rows, want at least 17", rows)
	}
	b.noSidewaysScroll("the reports page", sz.w)
	b.checkBadges("the reports page")
	b.screenshot(shotName("reports", sz))
}
