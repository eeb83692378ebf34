// Package templates holds the texts an operator may override: channel names
// and headers and the posts warroom writes into channels. The defaults are
// embedded; a file of the same name in the override directory wins.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/warroom/warroom/incident"
)

//go:embed chat/*.tmpl ticket/*.tmpl postmortem/*.tmpl
var defaults embed.FS

// Set is a parsed set of templates.
type Set struct {
	t *template.Template
}

// Load parses the embedded templates and then, when dir is not empty, every
// *.tmpl file in dir, which replaces the default of the same name.
func Load(dir string) (*Set, error) {
	root := template.New("").Funcs(funcs)
	if _, err := root.ParseFS(defaults, "chat/*.tmpl", "ticket/*.tmpl", "postmortem/*.tmpl"); err != nil {
		return nil, fmt.Errorf("parse embedded templates: %w", err)
	}
	if dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.tmpl"))
		if err != nil {
			return nil, fmt.Errorf("templates.dir %s: %w", dir, err)
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("templates.dir %s: %w; create it or remove the setting", dir, err)
		}
		for _, f := range files {
			body, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			name := filepath.Base(f)
			if root.Lookup(name) == nil {
				return nil, fmt.Errorf("template %s: no such template to override; the names are %s", f, strings.Join(Names(), ", "))
			}
			if _, err := root.New(name).Parse(string(body)); err != nil {
				return nil, fmt.Errorf("template %s: %w", f, err)
			}
		}
	}
	return &Set{t: root}, nil
}

// Names lists the templates that can be overridden.
func Names() []string {
	var out []string
	for _, dir := range []string{"chat", "ticket", "postmortem"} {
		entries, _ := fs.ReadDir(defaults, dir)
		for _, e := range entries {
			out = append(out, e.Name())
		}
	}
	return out
}

// CheckText parses a template given as text with the functions RenderText
// gives it, so that config validation accepts exactly what renders: for
// routing rules' channel names.
func CheckText(text string) error {
	_, err := parseText("text", text)
	return err
}

// FuncNames lists the functions templates may call, sorted.
func FuncNames() []string {
	names := make([]string, 0, len(funcs))
	for name := range funcs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// parseText is the one way a template given as text is parsed.
func parseText(name, text string) (*template.Template, error) {
	return template.New(name).Funcs(funcs).Parse(text)
}

// RenderText parses and executes a template given as text, with the same
// functions as the files (slug, time, ...): for routing rules' channel names.
func (s *Set) RenderText(name, text string, data any) (string, error) {
	t, err := parseText(name, text)
	if err != nil {
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("render template %s: %w", name, err)
	}
	return strings.TrimSpace(buf.String()), nil
}

// Render executes the named template (without its .tmpl suffix) and trims
// the result.
func (s *Set) Render(name string, data any) (string, error) {
	var buf bytes.Buffer
	if err := s.t.ExecuteTemplate(&buf, name+".tmpl", data); err != nil {
		return "", fmt.Errorf("render template %s: %w", name, err)
	}
	return strings.TrimSpace(buf.String()), nil
}

var funcs = template.FuncMap{
	"slug":    Slug,
	"lower":   strings.ToLower,
	"time":    formatTime,
	"labels":  formatLabels,
	"emoji":   severityEmoji,
	"dur":     func(d time.Duration) string { return d.String() },
	"timesec": formatSeconds,
	"join":    strings.Join,
	"oneline": func(s string) string { return strings.Join(strings.Fields(s), " ") },
}

// Slug turns a title into lower-case words joined by dashes, at most 40
// bytes, for channel names.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

func formatLabels(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = "`" + k + "=" + m[k] + "`"
	}
	return strings.Join(parts, " ")
}

func severityEmoji(s incident.Severity) string {
	switch s {
	case incident.SeverityCritical:
		return "🔴"
	case incident.SeverityHigh:
		return "🟠"
	case incident.SeverityWarning:
		return "🟡"
	}
	return "🔵"
}

// formatTime accepts a time or a *time.Time, so templates can pass either.
func formatTime(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02 15:04 UTC")
	case *time.Time:
		if t != nil {
			return t.UTC().Format("2006-01-02 15:04 UTC")
		}
	}
	return ""
}

// formatSeconds is formatTime to the second, for the postmortem's timeline.
func formatSeconds(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	case *time.Time:
		if t != nil {
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
	}
	return ""
}
