package alertmanager

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Source is the name alert groups from Alertmanager carry.
const Source = "alertmanager"

// Decode reads a webhook body into an alert group. Every problem is a
// KindInvalid error that names the field, so Alertmanager's log (and the
// operator reading it) sees what to fix; Alertmanager does not retry 4xx.
func Decode(body []byte) (incident.AlertGroup, error) {
	var m Message
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil {
		return incident.AlertGroup{}, invalid("body is not an Alertmanager webhook: %s", incident.JSONProblem(err))
	}
	if m.Version != "4" {
		return incident.AlertGroup{}, invalid("version is %q; warroom reads Alertmanager's webhook version \"4\" (check that the receiver has no custom payload)", m.Version)
	}
	if strings.TrimSpace(m.GroupKey) == "" {
		return incident.AlertGroup{}, invalid("groupKey is missing; it is what ties repeats to one incident")
	}
	if len(m.Alerts) == 0 {
		return incident.AlertGroup{}, invalid("alerts is empty")
	}
	g := incident.AlertGroup{
		Source: Source, DedupKey: m.GroupKey, Labels: m.CommonLabels,
		Title: title(m), Summary: firstOf(m.CommonAnnotations, "description", "message"),
	}
	for i, a := range m.Alerts {
		if a.Status != "firing" && a.Status != "resolved" {
			return incident.AlertGroup{}, invalid("alerts[%d].status is %q; want firing or resolved", i, a.Status)
		}
		if a.StartsAt.IsZero() {
			return incident.AlertGroup{}, invalid("alerts[%d].startsAt is missing", i)
		}
		fp := a.Fingerprint
		if fp == "" {
			fp = fingerprint(a.Labels)
		}
		g.Alerts = append(g.Alerts, incident.Alert{
			Fingerprint: fp, Firing: a.Status == "firing", Name: a.Labels["alertname"],
			Summary: firstOf(a.Annotations, "summary", "description"), Labels: a.Labels,
			StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(),
		})
		if sev, err := incident.ParseSeverity(a.Labels["severity"]); err == nil && a.Status == "firing" && sev > g.Severity {
			g.Severity = sev
		}
	}
	g.Links = links(m)
	g.Queries = graphQueries(m)
	return g, nil
}

func invalid(format string, args ...any) error {
	return incident.Errorf(incident.KindInvalid, format, args...)
}

func title(m Message) string {
	name := m.GroupLabels["alertname"]
	if name == "" {
		name = m.CommonLabels["alertname"]
	}
	if name == "" && len(m.Alerts) > 0 {
		name = m.Alerts[0].Labels["alertname"]
	}
	summary := firstOf(m.CommonAnnotations, "summary", "title")
	switch {
	case name != "" && summary != "":
		return name + ": " + summary
	case name != "":
		return name
	}
	return summary
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(m[k]); v != "" {
			return v
		}
	}
	return ""
}

// links collects the runbook, dashboard, graph and silence links.
func links(m Message) []incident.Link {
	var out []incident.Link
	seen := map[string]bool{}
	add := func(title, u string) {
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, incident.Link{Title: title, URL: u})
	}
	sources := append([]map[string]string{m.CommonAnnotations}, annotationsOf(m.Alerts)...)
	for _, ann := range sources {
		add("Runbook", firstOf(ann, "runbook_url", "runbook"))
		add("Dashboard", firstOf(ann, "dashboard_url", "dashboard"))
	}
	for _, a := range m.Alerts {
		add("Graph", a.GeneratorURL)
	}
	if m.ExternalURL != "" && len(m.GroupLabels) > 0 {
		add("Silence", m.ExternalURL+"/#/silences/new?filter="+url.QueryEscape(matchers(m.GroupLabels)))
	}
	return out
}

func annotationsOf(alerts []Alert) []map[string]string {
	out := make([]map[string]string, len(alerts))
	for i, a := range alerts {
		out[i] = a.Annotations
	}
	return out
}

func matchers(labels map[string]string) string {
	keys := sortedKeys(labels)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, labels[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// fingerprint stands in for a missing one: a hash of the sorted labels.
func fingerprint(labels map[string]string) string {
	h := sha256.New()
	for _, k := range sortedKeys(labels) {
		fmt.Fprintf(h, "%s\xff%s\xff", k, labels[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// graphQueries reads the warroom_graph annotations: one PromQL per line.
func graphQueries(m Message) []string {
	var out []string
	seen := map[string]bool{}
	for _, ann := range append([]map[string]string{m.CommonAnnotations}, annotationsOf(m.Alerts)...) {
		for _, q := range strings.Split(ann["warroom_graph"], "\n") {
			if q = strings.TrimSpace(q); q != "" && !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}
