package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/prometheus"
)

// maxIncidentGraphs bounds the graphs posted when a channel opens.
const maxIncidentGraphs = 4

// grapher renders an incident's graphs from Prometheus.
type grapher struct {
	client        *prometheus.Client
	loc           *time.Location
	before, after time.Duration
	clock         incident.Clock
}

func newGrapher(c PrometheusConfig, clock incident.Clock) (*grapher, error) {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("prometheus.time_zone %q: %w", c.TimeZone, err)
	}
	return &grapher{client: prometheus.New(c.URL, &http.Client{Timeout: 30 * time.Second}), loc: loc,
		before: time.Duration(c.Before), after: time.Duration(c.After), clock: clock}, nil
}

// queries are the incident's own graph queries, then its alerts'
// expressions from their generator links.
func queries(inc *incident.Incident) []string {
	out := append([]string{}, inc.Queries...)
	for _, l := range inc.Links {
		if l.Title != "Graph" {
			continue
		}
		for _, q := range prometheus.QueriesFromGeneratorURL(l.URL) {
			if !contains(out, q) {
				out = append(out, q)
			}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ForIncident graphs each query over a window around the incident's start.
func (g *grapher) ForIncident(ctx context.Context, inc *incident.Incident) ([]incident.File, []string, error) {
	start, end := inc.CreatedAt.Add(-g.before), inc.CreatedAt.Add(g.after)
	if now := g.clock.Now(); end.After(now) {
		end = now
	}
	var files []incident.File
	var notes []string
	for i, q := range queries(inc) {
		if i == maxIncidentGraphs {
			notes = append(notes, fmt.Sprintf("%d more queries not graphed; ask with /incident graph", len(queries(inc))-i))
			break
		}
		png, err := g.render(ctx, inc, q, start, end)
		switch {
		case err == nil:
			files = append(files, incident.File{Name: fmt.Sprintf("%s-graph-%d.png", inc.Key, i+1), Type: "image/png", Data: png})
		case incident.ErrorKind(err) == incident.KindInvalid || errors.Is(err, prometheus.ErrNoData):
			notes = append(notes, fmt.Sprintf("No graph for `%s`: %s", q, incident.ErrorMessage(err)))
		default:
			return nil, nil, err // Prometheus unreachable: retry
		}
	}
	return files, notes, nil
}

// Query graphs one expression over the window ending now.
func (g *grapher) Query(ctx context.Context, inc *incident.Incident, promql string, window time.Duration) (incident.File, error) {
	end := g.clock.Now()
	png, err := g.render(ctx, inc, promql, end.Add(-window), end)
	if errors.Is(err, prometheus.ErrNoData) {
		return incident.File{}, incident.Errorf(incident.KindInvalid, "the query returned no samples; check the metric and label names")
	}
	if err != nil {
		return incident.File{}, err
	}
	return incident.File{Name: fmt.Sprintf("%s-graph-%d.png", inc.Key, end.Unix()), Type: "image/png", Data: png}, nil
}

func (g *grapher) render(ctx context.Context, inc *incident.Incident, expr string, start, end time.Time) ([]byte, error) {
	q, threshold, ok := prometheus.SplitThreshold(expr)
	series, err := g.client.QueryRange(ctx, q, start, end, prometheus.StepFor(start, end, prometheus.DefaultPoints))
	if err != nil {
		return nil, err
	}
	graph := prometheus.Graph{Title: inc.Key + " " + inc.Title + ": " + q, Series: series, Start: start, End: end, Location: g.loc,
		Unit: guessUnit(q)}
	if ok {
		graph.Threshold = &threshold
	}
	if marker := inc.CreatedAt; !marker.Before(start) && !marker.After(end) {
		graph.Marker = &marker
	}
	return prometheus.Render(graph)
}

// guessUnit reads the unit from Prometheus's metric naming conventions
// (_seconds, _bytes, _ratio, counters under rate), so the axis says what
// the numbers are.
func guessUnit(q string) string {
	rate := strings.Contains(q, "rate(") || strings.Contains(q, "increase(")
	switch {
	case strings.Contains(q, "_seconds"):
		if rate && !strings.Contains(q, "_bucket") {
			return "s/s"
		}
		return "s"
	case strings.Contains(q, "_bytes"):
		if rate {
			return "bytes/s"
		}
		return "bytes"
	case strings.Contains(q, "_ratio"):
		return "ratio"
	case strings.Contains(q, "_percent"):
		return "%"
	case rate && strings.Contains(q, "_total"):
		return "/s"
	}
	return ""
}
