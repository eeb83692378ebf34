package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// uiFuncs are the UI templates' functions. now is the server's clock, for
// relative times ("5 min ago") and durations of what is still open.
func uiFuncs(now func() time.Time) template.FuncMap {
	return template.FuncMap{
		"time":  utcTime,
		"timep": func(t *time.Time) string { return utcTimeP(t) },
		// when is a <time> element: UTC text that app.js turns into the
		// reader's local time, with the relative time beside it.
		"when":  func(t time.Time) template.HTML { return whenHTML(t, now()) },
		"whenp": func(t *time.Time) template.HTML { return whenPHTML(t, now()) },
		"lower": strings.ToLower,
		"md":    renderMarkdown,
		"link":  renderLink,
		"since": func(from time.Time, to *time.Time) string { return durationText(from, to) },
		"age":   func(t time.Time) string { return humanDuration(now().Sub(t)) },
		"openFor": func(inc *incident.Incident) string {
			if inc.ClosedAt != nil {
				return humanDuration(inc.ClosedAt.Sub(inc.CreatedAt)) + " (closed)"
			}
			return humanDuration(now().Sub(inc.CreatedAt)) + " and counting"
		},
		"can":      canRun,
		"inc":      func(n int) int { return n + 1 },
		"dec":      func(n int) int { return n - 1 },
		"statusOf": statusLabel,
	}
}

func utcTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func utcTimeP(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return utcTime(*t)
}

func whenHTML(t, now time.Time) template.HTML {
	return template.HTML(fmt.Sprintf(`<time datetime="%s" title="%s">%s</time> <span class="ago">(%s)</span>`,
		t.UTC().Format(time.RFC3339), utcTime(t), utcTime(t), agoText(now.Sub(t))))
}

func whenPHTML(t *time.Time, now time.Time) template.HTML {
	if t == nil {
		return "—"
	}
	return whenHTML(*t, now)
}

// agoText says how long ago something was, as app.js does in the browser.
func agoText(d time.Duration) string {
	if d < 0 {
		return "in " + humanDuration(-d)
	}
	if d < time.Minute {
		return "just now"
	}
	return humanDuration(d) + " ago"
}

// humanDuration is a duration for people: the two largest units.
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		m := int(d.Minutes())
		if s := int(d.Seconds()) % 60; s != 0 && m < 10 {
			return fmt.Sprintf("%dm %02ds", m, s)
		}
		return fmt.Sprintf("%d min", m)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	days := int(d.Hours()) / 24
	return fmt.Sprintf("%dd %dh", days, int(d.Hours())%24)
}

// durationText is how long from took to reach to, or "—" while it has not.
func durationText(from time.Time, to *time.Time) string {
	if to == nil {
		return "—"
	}
	return humanDuration(to.Sub(from))
}

// canRun reports whether the card button or page action command would be
// accepted in the incident's status: a button that would only fail is not
// offered. Commands that move no status are always offered.
func canRun(inc *incident.Incident, command string) bool {
	if inc == nil {
		return true
	}
	name, _, _ := strings.Cut(strings.TrimSpace(command), " ")
	if offered, ok := incident.CardOffers(inc.Status, name); ok {
		return offered
	}
	return inc.Status.Active()
}

// statusLabel says in words what a status means for the reader.
func statusLabel(st incident.Status) string {
	switch st {
	case incident.StatusOpen:
		return "open: nobody has acked yet"
	case incident.StatusAcked:
		return "acked: someone is on it"
	case incident.StatusResolved:
		return "resolved: the problem is gone, the channel stays open"
	case incident.StatusClosed:
		return "closed: the transcript is being archived"
	case incident.StatusArchived:
		return "archived: the record is final"
	}
	return string(st)
}
