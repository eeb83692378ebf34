package prometheus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// maxIncidentGraphs bounds the graphs posted when a channel opens.
const maxIncidentGraphs = 4

// Grapher renders an incident's graphs from one Prometheus: it is the
// adapter to incident.Graphs.
type Grapher struct {
	client *Client
	opts   GrapherOptions
}

// GrapherOptions say where and when an incident's graphs are drawn.
type GrapherOptions struct {
	// Location is the time zone of the time axis; nil is UTC.
	Location *time.Location
	// Before and After bound the window of ForIncident around the
	// incident's start (its end is capped at now).
	Before, After time.Duration
	// Clock tells now; nil is incident.SystemClock.
	Clock incident.Clock
}

// NewGrapher returns a Grapher that queries c.
func NewGrapher(c *Client, opts GrapherOptions) *Grapher {
	if opts.Clock == nil {
		opts.Clock = incident.SystemClock{}
	}
	return &Grapher{client: c, opts: opts}
}

// queries are the incident's own graph queries, then its alerts'
// expressions from their generator links.
func queries(inc *incident.Incident) []string {
	out := append([]string{}, inc.Queries...)
	for _, l := range inc.Links {
		if l.Title != "Graph" {
			continue
		}
		for _, q := range QueriesFromGeneratorURL(l.URL) {
			if !slices.Contains(out, q) {
				out = append(out, q)
			}
		}
	}
	return out
}

// ForIncident graphs each query over a window around the incident's start.
// A query Prometheus rejects, or one that returns nothing, gives a note
// instead of a picture; Prometheus failing is the error (retry).
func (g *Grapher) ForIncident(ctx context.Context, inc *incident.Incident) ([]incident.File, []string, error) {
	start, end := inc.CreatedAt.Add(-g.opts.Before), inc.CreatedAt.Add(g.opts.After)
	if now := g.opts.Clock.Now(); end.After(now) {
		end = now
	}
	var files []incident.File
	var notes []string
	all := queries(inc)
	for i, q := range all {
		if i == maxIncidentGraphs {
			notes = append(notes, fmt.Sprintf("%d more queries not graphed; ask with /incident graph", len(all)-i))
			break
		}
		png, err := g.render(ctx, inc, q, start, end)
		switch {
		case err == nil:
			files = append(files, incident.File{Name: fmt.Sprintf("%s-graph-%d.png", inc.Key, i+1), Type: "image/png", Data: png})
		case incident.ErrorKind(err) == incident.KindInvalid || errors.Is(err, ErrNoData):
			notes = append(notes, fmt.Sprintf("No graph for `%s`: %s", q, incident.ErrorMessage(err)))
		default:
			return nil, nil, err // Prometheus unreachable: retry
		}
	}
	return files, notes, nil
}

// Query graphs one expression over the window ending now. A query that
// returns nothing is a KindInvalid error that says what to check.
func (g *Grapher) Query(ctx context.Context, inc *incident.Incident, promql string, window time.Duration) (incident.File, error) {
	end := g.opts.Clock.Now()
	png, err := g.render(ctx, inc, promql, end.Add(-window), end)
	if errors.Is(err, ErrNoData) {
		return incident.File{}, incident.Errorf(incident.KindInvalid, "the query returned no samples; check the metric and label names")
	}
	if err != nil {
		return incident.File{}, err
	}
	return incident.File{Name: fmt.Sprintf("%s-graph-%d.png", inc.Key, end.Unix()), Type: "image/png", Data: png}, nil
}

func (g *Grapher) render(ctx context.Context, inc *incident.Incident, expr string, start, end time.Time) ([]byte, error) {
	q, threshold, ok := SplitThreshold(expr)
	series, err := g.client.QueryRange(ctx, q, start, end, StepFor(start, end, DefaultPoints))
	if err != nil {
		return nil, err
	}
	graph := Graph{Title: inc.Key + " " + inc.Title + ": " + q, Series: series, Start: start, End: end, Location: g.opts.Location,
		Unit: guessUnit(q)}
	if ok {
		graph.Threshold = &threshold
	}
	if marker := inc.CreatedAt; !marker.Before(start) && !marker.After(end) {
		graph.Marker = &marker
	}
	return Render(graph)
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
