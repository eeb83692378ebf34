package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/warroom/warroom/incident"
)

// Reports sums incidents for the reports (a store query; see
// incident.Reporter).
type Reports interface {
	// ReportCells sums the incidents opened in [from, to) by severity,
	// source and week.
	ReportCells(ctx context.Context, from, to time.Time) ([]incident.ReportCell, error)
}

// Report ranges: weeks back from the current week, included.
const (
	defaultReportWeeks = 12
	maxReportWeeks     = 104
)

// reportRoutes mounts the reports page and its chart (the JSON API is
// GET /api/v1/reports, mounted with the API).
func (s *Server) reportRoutes(r chi.Router) {
	if s.Reports == nil {
		return
	}
	r.Group(func(r chi.Router) {
		r.Use(s.withSession, s.requireUIUser)
		r.Get("/reports", s.reportsPage)
		r.Get("/reports/chart.svg", s.reportChart)
	})
}

// report reads the range from the query (weeks=N, the N weeks up to and
// including the current one) and builds the report.
func (s *Server) report(r *http.Request) (incident.Report, error) {
	weeks := defaultReportWeeks
	if v := r.URL.Query().Get("weeks"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxReportWeeks {
			return incident.Report{}, incident.Errorf(incident.KindInvalid, "weeks=%q: give a number of weeks from 1 to %d", v, maxReportWeeks)
		}
		weeks = n
	}
	to := incident.WeekOf(s.Clock.Now()).Add(incident.Week)
	from := to.Add(-time.Duration(weeks) * incident.Week)
	cells, err := s.Reports.ReportCells(r.Context(), from, to)
	if err != nil {
		return incident.Report{}, err
	}
	return incident.BuildReport(from, to, cells), nil
}

// reportAPI answers GET /api/v1/reports: MTTA and MTTR by severity, source
// and week, in seconds.
func (s *Server) reportAPI(w http.ResponseWriter, r *http.Request) {
	if s.Reports == nil {
		s.writeError(w, r, incident.Errorf(incident.KindNotFound, "reports are not available with this store"))
		return
	}
	rep, err := s.report(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// reportView is what the reports page shows.
type reportView struct {
	Report incident.Report
	Weeks  int
	Chart  string // the chart's URL
	Tables []reportTable
}

// reportTable is one grouping of the report, its means written out.
type reportTable struct {
	Title, Name string
	Rows        []reportRow
}

type reportRow struct {
	Key                     string
	Sev                     bool // Key is a severity: shown as its badge
	Opened, Acked, Resolved int
	MTTA, MTTR              string
}

func tableOf(title, name string, lines []incident.ReportLine) reportTable {
	t := reportTable{Title: title, Name: name}
	for _, l := range lines {
		if l.Opened == 0 && name != "Week of" {
			continue
		}
		t.Rows = append(t.Rows, reportRow{Key: l.Key, Sev: name == "Severity", Opened: l.Opened, Acked: l.Acked, Resolved: l.Resolved,
			MTTA: duration(l.MTTA), MTTR: duration(l.MTTR)})
	}
	return t
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	rep, err := s.report(r)
	if err != nil {
		s.uiError(w, r, err)
		return
	}
	weeks := int(rep.To.Sub(rep.From) / incident.Week)
	s.render(w, r, "reports", "Reports", reportView{Report: rep, Weeks: weeks,
		Chart: "/reports/chart.svg?weeks=" + strconv.Itoa(weeks),
		Tables: []reportTable{
			tableOf("Overall", "Range", []incident.ReportLine{rep.Total}),
			tableOf("By severity", "Severity", rep.BySeverity),
			tableOf("By source", "Source", rep.BySource),
			tableOf("By week", "Week of", rep.ByWeek),
		}})
}

func (s *Server) reportChart(w http.ResponseWriter, r *http.Request) {
	rep, err := s.report(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Write(reportSVG(rep))
}

// duration writes a mean in seconds as people read it: 45s, 12m, 3.5h, 2.1d.
func duration(sec *float64) string {
	if sec == nil {
		return "—"
	}
	v := *sec
	switch {
	case v < 60:
		return strconv.FormatFloat(v, 'f', 0, 64) + "s"
	case v < 3600:
		return strconv.FormatFloat(v/60, 'f', 1, 64) + "m"
	case v < 86400:
		return strconv.FormatFloat(v/3600, 'f', 1, 64) + "h"
	}
	return strconv.FormatFloat(v/86400, 'f', 1, 64) + "d"
}
