// Package runbooks reads a directory of Markdown runbooks and matches them
// to incidents by their front matter (alert name, service, labels).
package runbooks

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/warroom/warroom/incident"
)

// frontMatter is what a runbook says it is for.
type frontMatter struct {
	Title     string            `yaml:"title"`
	Alertname string            `yaml:"alertname"`
	Service   string            `yaml:"service"`
	Labels    map[string]string `yaml:"labels"`
	// Actions are /incident run lines offered as buttons under the
	// runbook post ("restart-app env=prod").
	Actions []string `yaml:"actions"`
}

type runbook struct {
	file  string
	match frontMatter
	book  incident.Runbook
}

// Dir is a loaded directory of runbooks.
type Dir struct {
	books []runbook
}

// Load reads every *.md file of dir. A file without front matter, or with
// front matter that matches nothing, is an error that names it: a runbook
// that can never be found is a mistake worth knowing at start.
func Load(dir string) (*Dir, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, fmt.Errorf("runbooks.dir %s: %w", dir, err)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("runbooks.dir %s: %w; create it or remove the setting", dir, err)
	}
	d := &Dir{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rb, err := parse(f, raw)
		if err != nil {
			return nil, err
		}
		d.books = append(d.books, rb)
	}
	return d, nil
}

func parse(file string, raw []byte) (runbook, error) {
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	rest, ok := bytes.CutPrefix(raw, []byte("---\n"))
	if !ok {
		return runbook{}, fmt.Errorf("runbook %s: no front matter: start it with --- and alertname, service or labels", file)
	}
	head, body, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return runbook{}, fmt.Errorf("runbook %s: front matter is not closed with ---", file)
	}
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(head))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		return runbook{}, fmt.Errorf("runbook %s: front matter: %w", file, err)
	}
	if fm.Alertname == "" && fm.Service == "" && len(fm.Labels) == 0 {
		return runbook{}, fmt.Errorf("runbook %s: front matter names no alertname, service or labels, so it matches nothing", file)
	}
	name := strings.TrimSuffix(filepath.Base(file), ".md")
	title := fm.Title
	if title == "" {
		title = name
	}
	return runbook{file: file, match: fm, book: incident.Runbook{Name: name, Title: title, Body: strings.TrimSpace(string(body)), Actions: fm.Actions}}, nil
}

// ByName returns the runbook of that file name (without .md).
func (d *Dir) ByName(name string) (incident.Runbook, bool) {
	for _, rb := range d.books {
		if rb.book.Name == name {
			return rb.book, true
		}
	}
	return incident.Runbook{}, false
}

// Find returns the runbook that matches the labels most specifically: every
// condition it sets must hold, and more conditions win; ties go to the
// file name, so the choice is stable.
func (d *Dir) Find(labels map[string]string) (incident.Runbook, bool) {
	type scored struct {
		rb    runbook
		score int
	}
	var hits []scored
	for _, rb := range d.books {
		m, score := rb.match, 0
		if m.Alertname != "" {
			if labels["alertname"] != m.Alertname {
				continue
			}
			score++
		}
		if m.Service != "" {
			if labels["service"] != m.Service {
				continue
			}
			score++
		}
		ok := true
		for k, v := range m.Labels {
			if labels[k] != v {
				ok = false
				break
			}
			score++
		}
		if ok {
			hits = append(hits, scored{rb, score})
		}
	}
	if len(hits) == 0 {
		return incident.Runbook{}, false
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].rb.file < hits[j].rb.file
	})
	return hits[0].rb.book, true
}
