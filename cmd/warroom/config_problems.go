package main

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// problem is one thing wrong with the config, said in the user's words:
// the key path it is about and, where the key is in the file, its line.
type problem struct {
	line int    // 1-based line in the file; 0 when the key is not in the file
	env  string // the environment variable that set the key, if one did
	key  string // dotted key path, e.g. chat.mattermost.token; "" for the file as a whole
	msg  string // what is wrong and what to do
}

func (p problem) String() string {
	var b strings.Builder
	switch {
	case p.env != "":
		b.WriteString(p.env + ": ")
	case p.line > 0:
		fmt.Fprintf(&b, "line %d: ", p.line)
	}
	if p.key != "" {
		b.WriteString(p.key + ": ")
	}
	b.WriteString(p.msg)
	return b.String()
}

// problems collects every problem of one config, so that all of them are
// reported at once.
type problems struct {
	list []problem
}

// bad records a problem with key.
func (ps *problems) bad(key, format string, args ...any) {
	ps.list = append(ps.list, problem{key: key, msg: fmt.Sprintf(format, args...)})
}

// at records a problem at a line of the file.
func (ps *problems) at(line int, key, format string, args ...any) {
	ps.list = append(ps.list, problem{line: line, key: key, msg: fmt.Sprintf(format, args...)})
}

// add records the problems of a Validate under the key path prefix.
//
// The convention every Validate of the integrations, the templates and the
// on-call schedules follows: each problem is one error (several are joined
// with errors.Join), and its text starts with the key it is about, relative
// to the type validated: "url: ... is not an http(s) URL". A wrapping
// "key: %w" adds a path segment in front. What does not start with a key is
// a problem of prefix itself.
func (ps *problems) add(prefix string, err error) {
	for _, leaf := range flatten(err, "") {
		key, msg := splitKey(leaf)
		ps.list = append(ps.list, problem{key: joinKey(prefix, key), msg: msg})
	}
}

// flatten turns a tree of joined and wrapped errors into the texts of its
// leaves, each with the text its wrappers put in front.
func flatten(err error, front string) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e, front)...)
		}
		return out
	}
	if inner := errors.Unwrap(err); inner != nil {
		if _, multi := inner.(interface{ Unwrap() []error }); multi {
			if outer, ok := strings.CutSuffix(err.Error(), inner.Error()); ok {
				return flatten(inner, front+outer)
			}
		}
	}
	return []string{front + err.Error()}
}

// keyPrefix matches the key path a problem's text starts with: segments of
// names and [index]es, then ": ".
var keyPrefix = regexp.MustCompile(`^([A-Za-z0-9_-]+(?:\[\d+\])*(?:\.[A-Za-z0-9_-]+(?:\[\d+\])*)*): `)

// splitKey separates the leading key path of a problem's text (several
// "a: b: " segments make one path a.b) from what it says.
func splitKey(text string) (key, msg string) {
	for {
		m := keyPrefix.FindStringSubmatch(text)
		if m == nil {
			return key, text
		}
		key, text = joinKey(key, m[1]), text[len(m[0]):]
	}
}

func joinKey(prefix, key string) string {
	switch {
	case prefix == "":
		return key
	case key == "":
		return prefix
	case strings.HasPrefix(key, "["):
		return prefix + key
	}
	return prefix + "." + key
}

// dropEchoes drops the problems from index from on that are about a key
// already reported before it (or inside one): a value of the wrong form
// keeps its default, which validation may then refuse again.
func (ps *problems) dropEchoes(from int) {
	reported := map[string]bool{}
	for _, p := range ps.list[:from] {
		reported[p.key] = true
	}
	kept := ps.list[:from]
	for _, p := range ps.list[from:] {
		echo := false
		for k := p.key; k != "" && !echo; k = parentKey(k) {
			echo = reported[k]
		}
		if !echo {
			kept = append(kept, p)
		}
	}
	ps.list = kept
}

// locate gives each problem the line of its key in the file (or of the
// nearest enclosing key there), or the environment variable that set it.
func (ps *problems) locate(lines map[string]int, fromEnv map[string]string) {
	for i := range ps.list {
		p := &ps.list[i]
		if p.line > 0 || p.key == "" {
			continue
		}
		for k := p.key; k != ""; k = parentKey(k) {
			if name, ok := fromEnv[k]; ok {
				p.env = name
				break
			}
			if line, ok := lines[k]; ok {
				p.line = line
				break
			}
		}
	}
}

// parentKey is the key path one level up: a.b[2] -> a.b, a.b -> a.
func parentKey(key string) string {
	if i := strings.LastIndexAny(key, ".["); i >= 0 {
		return key[:i]
	}
	return ""
}

// err returns nil when there is no problem, else one error listing them
// all, those in the file first, by line.
func (ps *problems) err(source string) error {
	if len(ps.list) == 0 {
		return nil
	}
	list := append([]problem(nil), ps.list...)
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].line, list[j].line
		if (a == 0) != (b == 0) {
			return a != 0
		}
		return a < b
	})
	lines := make([]string, len(list))
	for i, p := range list {
		lines[i] = p.String()
	}
	n := "1 problem"
	if len(list) > 1 {
		n = fmt.Sprintf("%d problems", len(list))
	}
	if source != "" {
		source = " " + source
	}
	return fmt.Errorf("invalid config%s, %s:\n  %s", source, n, strings.Join(lines, "\n  "))
}

// nearest is the candidate closest to word (by edit distance), if it is
// close enough to be the likely meaning of a typo.
func nearest(word string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, min(3, len(word)/3))
	if len(word) >= 3 && (strings.Contains(best, strings.ToLower(word)) || strings.Contains(strings.ToLower(word), best)) {
		limit = max(limit, 4)
	}
	return best, bestD >= 0 && bestD <= limit
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
