// Package generic turns any JSON webhook into an alert group through a
// mapping of text/template expressions that the operator writes in config:
// for a monitoring tool warroom has no dedicated reader for.
package generic

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/warroom/warroom/incident"
)

// Source is the name alert groups from the generic hook carry.
const Source = "generic"

// Decoder reads bodies with a compiled Mapping.
type Decoder struct {
	title, summary, severity, dedup, resolved, startsAt *template.Template
	labels, links                                       map[string]*template.Template
	now                                                 func() time.Time
}

// New compiles a mapping; a template that does not parse is an error that
// names the key.
func New(m Mapping, now func() time.Time) (*Decoder, error) {
	d, errs := compile(m)
	if len(errs) > 0 {
		return nil, fmt.Errorf("sources.generic: %w", errors.Join(errs...))
	}
	if now == nil {
		now = time.Now
	}
	d.now = now
	return d, nil
}

// compile parses every template of m, reporting every problem, each as an
// error "key: what is wrong".
func compile(m Mapping) (*Decoder, []error) {
	var errs []error
	if strings.TrimSpace(m.Title) == "" {
		errs = append(errs, errors.New("title: empty; give a template for the incident's title, e.g. '{{.check}} on {{.host}}'"))
	}
	if strings.TrimSpace(m.DedupKey) == "" {
		errs = append(errs, errors.New("dedup_key: empty; give a template that is the same for the same incident, e.g. '{{.host}}/{{.check}}'"))
	}
	d := &Decoder{labels: map[string]*template.Template{}, links: map[string]*template.Template{}}
	for _, f := range []struct {
		key string
		src string
		t   **template.Template
	}{
		{"title", m.Title, &d.title}, {"summary", m.Summary, &d.summary}, {"severity", m.Severity, &d.severity},
		{"dedup_key", m.DedupKey, &d.dedup}, {"resolved", m.Resolved, &d.resolved}, {"starts_at", m.StartsAt, &d.startsAt},
	} {
		t, err := parse(f.key, f.src)
		if err != nil {
			errs = append(errs, err)
		}
		*f.t = t
	}
	for _, group := range []struct {
		key string
		src map[string]string
		dst map[string]*template.Template
	}{{"labels", m.Labels, d.labels}, {"links", m.Links, d.links}} {
		for _, name := range sortedKeys(group.src) {
			t, err := parse(group.key+"."+name, group.src[name])
			if err != nil {
				errs = append(errs, err)
			}
			group.dst[name] = t
		}
	}
	return d, errs
}

func parse(key, src string) (*template.Template, error) {
	t, err := template.New(key).Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%s: does not parse: %w", key, err)
	}
	return t, nil
}

// Decode reads a body into an alert group of one alert.
func (d *Decoder) Decode(body []byte) (incident.AlertGroup, error) {
	var data any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&data); err != nil {
		return incident.AlertGroup{}, incident.Errorf(incident.KindInvalid, "body is not JSON: %v", err)
	}
	obj, ok := data.(map[string]any)
	if !ok {
		return incident.AlertGroup{}, incident.Errorf(incident.KindInvalid, "body is a JSON %T; the generic hook takes an object", data)
	}
	get := func(key string, t *template.Template) (string, error) {
		if t == nil {
			return "", nil
		}
		var b strings.Builder
		if err := t.Execute(&b, obj); err != nil {
			if strings.Contains(err.Error(), "nil pointer evaluating") {
				return "", nil // a nested field the body does not have
			}
			return "", incident.Errorf(incident.KindInvalid, "mapping %s: %v", key, err)
		}
		s := strings.TrimSpace(b.String())
		if s == "<no value>" {
			s = ""
		}
		return s, nil
	}
	var title, summary, sev, key, resolved, starts string
	for _, f := range []struct {
		name string
		t    *template.Template
		dst  *string
	}{{"title", d.title, &title}, {"summary", d.summary, &summary}, {"severity", d.severity, &sev},
		{"dedup_key", d.dedup, &key}, {"resolved", d.resolved, &resolved}, {"starts_at", d.startsAt, &starts}} {
		v, err := get(f.name, f.t)
		if err != nil {
			return incident.AlertGroup{}, err
		}
		*f.dst = v
	}
	if title == "" {
		return incident.AlertGroup{}, incident.Errorf(incident.KindInvalid, "the title template gave nothing for this body: check sources.generic.title")
	}
	if key == "" {
		return incident.AlertGroup{}, incident.Errorf(incident.KindInvalid, "the dedup_key template gave nothing for this body: check sources.generic.dedup_key")
	}
	at, err := parseTime(starts, d.now())
	if err != nil {
		return incident.AlertGroup{}, incident.Errorf(incident.KindInvalid, "starts_at %q: %v", starts, err)
	}
	g := incident.AlertGroup{Source: Source, DedupKey: key, Title: title, Summary: summary, Labels: map[string]string{}}
	if s, err := incident.ParseSeverity(sev); err == nil {
		g.Severity = s
	}
	for _, name := range sortedKeys(d.labels) {
		if v, err := get("labels."+name, d.labels[name]); err != nil {
			return incident.AlertGroup{}, err
		} else if v != "" {
			g.Labels[name] = v
		}
	}
	for _, name := range sortedKeys(d.links) {
		if v, err := get("links."+name, d.links[name]); err != nil {
			return incident.AlertGroup{}, err
		} else if v != "" {
			g.Links = append(g.Links, incident.Link{Title: name, URL: v})
		}
	}
	firing := !(resolved == "true" || resolved == "1" || strings.EqualFold(resolved, "yes"))
	sum := sha256.Sum256([]byte(key))
	g.Alerts = []incident.Alert{{Fingerprint: hex.EncodeToString(sum[:8]), Firing: firing, Name: title, Summary: summary,
		Labels: g.Labels, StartsAt: at, EndsAt: d.now().UTC()}}
	return g, nil
}

func parseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now.UTC(), nil
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Unix(0, int64(secs*float64(time.Second))).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
