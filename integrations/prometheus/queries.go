package prometheus

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// GraphAnnotation is the alert annotation that names the graphs to show, one
// PromQL expression per line. It wins over the alert's generator URL, so an
// alert author can show the cause next to the symptom.
const GraphAnnotation = "warroom_graph"

// Queries returns the PromQL to graph for an alert: the lines of its
// warroom_graph annotation if it has any, else the expressions of its
// generator URL. It returns nil when neither names one (Grafana's generator
// URLs, for example, link to a rule page and carry no expression).
func Queries(annotations map[string]string, generatorURL string) []string {
	if qs := QueriesFromAnnotations(annotations); len(qs) > 0 {
		return qs
	}
	return QueriesFromGeneratorURL(generatorURL)
}

// QueriesFromAnnotations returns the expressions of the warroom_graph
// annotation, one a line; blank lines and lines starting with # are skipped.
func QueriesFromAnnotations(annotations map[string]string) []string {
	var out []string
	for _, line := range strings.Split(annotations[GraphAnnotation], "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = appendNew(out, line)
	}
	return out
}

// QueriesFromGeneratorURL returns the expressions of a Prometheus generator
// URL (".../graph?g0.expr=...&g0.tab=1&g1.expr=..."), in panel order, without
// duplicates. A URL that does not parse or carries no expression gives nil.
func QueriesFromGeneratorURL(u string) []string {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return nil
	}
	type panel struct {
		n    int
		expr string
	}
	var panels []panel
	for key, vals := range parsed.Query() {
		idx, ok := strings.CutPrefix(key, "g")
		if !ok {
			continue
		}
		idx, ok = strings.CutSuffix(idx, ".expr")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || len(vals) == 0 {
			continue
		}
		panels = append(panels, panel{n, strings.TrimSpace(vals[0])})
	}
	slices.SortFunc(panels, func(a, b panel) int { return cmp.Compare(a.n, b.n) })
	var out []string
	for _, p := range panels {
		if p.expr != "" {
			out = appendNew(out, p.expr)
		}
	}
	return out
}

// appendNew appends s unless list already holds it.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
