package incident

import (
	"fmt"
	"sort"
	"strings"
)

// SplitActionArgs splits what follows "/incident run" into words. Words are
// separated by spaces; a value with spaces is quoted, in double quotes
// (where \" and \\ stand for " and \) or single quotes (taken as they
// are), anywhere in the word: note="disk full" and "note=disk full" are
// the same word. Nothing else is special: no variables, no globs.
func SplitActionArgs(s string) ([]string, error) {
	var (
		words   []string
		cur     strings.Builder
		inWord  bool
		quote   rune
		escaped bool
	)
	for _, r := range s {
		switch {
		case escaped:
			if r != '"' && r != '\\' {
				cur.WriteRune('\\')
			}
			cur.WriteRune(r)
			escaped = false
		case quote == '"' && r == '\\':
			escaped = true
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, Errorf(KindInvalid, "a %c quote is not closed: quote a value with spaces as name=\"two words\"", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// parseRunArgs reads "<action> [name=value ...]" against the catalog: the
// action must exist, every parameter be known, given once, and match its
// pattern and allowed values; parameters left out take their default.
// Its errors say what to type instead.
func (c *ActionCatalog) parseRunArgs(arg string) (ActionSpec, map[string]string, error) {
	words, err := SplitActionArgs(arg)
	if err != nil {
		return ActionSpec{}, nil, err
	}
	if len(words) == 0 {
		return ActionSpec{}, nil, Errorf(KindInvalid, "name the action: /incident run <action> [name=value ...]; /incident actions lists them")
	}
	spec, ok := c.spec(words[0])
	if !ok {
		msg := fmt.Sprintf("no action %q", words[0])
		if best, ok := nearestName(words[0], c.names()); ok {
			msg += fmt.Sprintf("; did you mean %s?", best)
		}
		if len(c.Specs) == 0 {
			return ActionSpec{}, nil, Errorf(KindNotFound, "%s: no actions are configured (actions: in warroom's config)", msg)
		}
		return ActionSpec{}, nil, Errorf(KindNotFound, "%s; /incident actions lists the actions", msg)
	}
	params := map[string]string{}
	for _, w := range words[1:] {
		name, value, ok := strings.Cut(w, "=")
		if !ok || name == "" {
			return spec, nil, Errorf(KindInvalid, "%q is not name=value: /incident %s", w, spec.usage())
		}
		p, known := spec.param(name)
		if !known {
			return spec, nil, Errorf(KindInvalid, "%s takes no parameter %q: /incident %s", spec.Name, name, spec.usage())
		}
		if _, twice := params[name]; twice {
			return spec, nil, Errorf(KindInvalid, "%s is given twice; give each parameter once", name)
		}
		if err := p.check(value); err != nil {
			return spec, nil, err
		}
		params[name] = value
	}
	var missing []string
	for _, p := range spec.Params {
		if _, given := params[p.Name]; given {
			continue
		}
		if p.Default == nil {
			missing = append(missing, p.Name)
			continue
		}
		params[p.Name] = *p.Default
	}
	if len(missing) > 0 {
		return spec, nil, Errorf(KindInvalid, "%s needs %s: /incident %s", spec.Name, strings.Join(missing, ", "), spec.usage())
	}
	return spec, params, nil
}

func (s ActionSpec) param(name string) (ActionParam, bool) {
	for _, p := range s.Params {
		if p.Name == name {
			return p, true
		}
	}
	return ActionParam{}, false
}

// check refuses a value that does not match the parameter, saying what
// would.
func (p ActionParam) check(value string) error {
	if len(p.Allowed) > 0 && !contains(p.Allowed, value) {
		return Errorf(KindInvalid, "%s=%q is not allowed; use one of %s", p.Name, value, strings.Join(p.Allowed, ", "))
	}
	if p.Pattern != nil && !p.Pattern.MatchString(value) {
		return Errorf(KindInvalid, "%s=%q does not match %s; the whole value must match the pattern", p.Name, value, p.pattern())
	}
	return nil
}

// formatParams writes parameters as they are typed, sorted by name, with
// quotes where a value needs them.
func formatParams(params map[string]string) string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + quoteArg(params[n])
	}
	return strings.Join(parts, " ")
}

// quoteArg quotes a value the way SplitActionArgs reads it back, when it
// must be.
func quoteArg(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\"'\\") {
		return v
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// nearestName is the candidate closest to word by edit distance, when it
// is close enough to be what a typo meant.
func nearestName(word string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		if d := levenshtein(strings.ToLower(word), strings.ToLower(c)); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(word)/3)
	if strings.Contains(best, word) || strings.Contains(word, best) {
		limit = max(limit, len(best))
	}
	return best, bestD >= 0 && bestD <= limit
}

func levenshtein(a, b string) int {
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
