package incident

import (
	"context"
	"sort"
	"time"
)

// IncidentCount is how many incidents are in one status with one severity.
type IncidentCount struct {
	Status   Status
	Severity Severity
	N        int
}

// ReportCell is what a store sums for the incidents of one severity and
// source opened in one week (weeks start on Monday, 00:00 UTC): how many
// opened, how many of them are acked and resolved now, and the sums of
// their times to ack and to resolve, in milliseconds. Sums, not means, so
// that cells add up to any grouping.
type ReportCell struct {
	Severity      Severity
	Source        string
	Week          time.Time
	Opened        int
	Acked         int
	AckMillis     int64
	Resolved      int
	ResolveMillis int64
}

// Reporter is the store side of the reports: one grouped query each, so
// that neither loads incidents.
type Reporter interface {
	// CountLive counts the incidents that are open, acked or resolved, by
	// status and severity.
	CountLive(ctx context.Context) ([]IncidentCount, error)
	// ReportCells sums the incidents opened in [from, to) by severity,
	// source and week, ordered by week, severity, source.
	ReportCells(ctx context.Context, from, to time.Time) ([]ReportCell, error)
}

// WeekEpoch is the Monday the stores count weeks from (1970-01-05, UTC);
// week n starts n weeks after it.
var WeekEpoch = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// Week is the length of a report week.
const Week = 7 * 24 * time.Hour

// WeekOf is the start of t's week (Monday 00:00 UTC).
func WeekOf(t time.Time) time.Time {
	n := t.UTC().Sub(WeekEpoch) / Week
	if t.Before(WeekEpoch) {
		n = 0
	}
	return WeekEpoch.Add(n * Week)
}

// ReportLine is MTTA and MTTR of one group: by severity, by source or by
// week. Means are in seconds; nil when no incident of the group got there.
type ReportLine struct {
	Key      string   `json:"key"` // the severity, the source, or the week's Monday (2006-01-02)
	Opened   int      `json:"opened"`
	Acked    int      `json:"acked"`
	Resolved int      `json:"resolved"`
	MTTA     *float64 `json:"mtta_seconds"`
	MTTR     *float64 `json:"mttr_seconds"`
}

// Report is MTTA and MTTR of the incidents opened in [From, To), by
// severity, by source and by week, and over all.
type Report struct {
	From       time.Time    `json:"from"`
	To         time.Time    `json:"to"`
	Total      ReportLine   `json:"total"`
	BySeverity []ReportLine `json:"by_severity"`
	BySource   []ReportLine `json:"by_source"`
	ByWeek     []ReportLine `json:"by_week"`
}

// BuildReport adds the cells up into the report's groups: severities from
// the worst, sources by name, weeks in order (every week of the range,
// also the empty ones, so a chart of them has no gaps).
func BuildReport(from, to time.Time, cells []ReportCell) Report {
	type acc struct {
		opened, acked, resolved int
		ackMs, resMs            int64
	}
	add := func(m map[string]*acc, k string, c ReportCell) {
		a := m[k]
		if a == nil {
			a = &acc{}
			m[k] = a
		}
		a.opened += c.Opened
		a.acked += c.Acked
		a.resolved += c.Resolved
		a.ackMs += c.AckMillis
		a.resMs += c.ResolveMillis
	}
	line := func(k string, a *acc) ReportLine {
		l := ReportLine{Key: k}
		if a == nil {
			return l
		}
		l.Opened, l.Acked, l.Resolved = a.opened, a.acked, a.resolved
		if a.acked > 0 {
			v := float64(a.ackMs) / 1000 / float64(a.acked)
			l.MTTA = &v
		}
		if a.resolved > 0 {
			v := float64(a.resMs) / 1000 / float64(a.resolved)
			l.MTTR = &v
		}
		return l
	}
	total, bySev, bySrc, byWeek := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	for _, c := range cells {
		add(total, "", c)
		add(bySev, c.Severity.String(), c)
		add(bySrc, c.Source, c)
		add(byWeek, c.Week.Format(time.DateOnly), c)
	}
	r := Report{From: from, To: to, Total: line("all", total[""])}
	for _, sev := range []Severity{SeverityCritical, SeverityHigh, SeverityWarning, SeverityInfo} {
		if a := bySev[sev.String()]; a != nil {
			r.BySeverity = append(r.BySeverity, line(sev.String(), a))
		}
	}
	var sources []string
	for k := range bySrc {
		sources = append(sources, k)
	}
	sort.Strings(sources)
	for _, k := range sources {
		r.BySource = append(r.BySource, line(k, bySrc[k]))
	}
	for w := WeekOf(from); w.Before(to); w = w.Add(Week) {
		k := w.Format(time.DateOnly)
		r.ByWeek = append(r.ByWeek, line(k, byWeek[k]))
	}
	return r
}
