package main

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// nodeBudget bounds how many nodes of a file are checked, so that aliases
// that expand to billions of nodes cost nothing (yaml.v3 refuses them when
// decoding, too).
const nodeBudget = 100_000

// shape checks a parsed YAML document against the Go type it is decoded
// into, by the yaml tags: unknown keys (with the nearest valid key), keys
// given twice, and values of the wrong form (with the form expected), each
// with its line and key path. It records the line of every key it passes,
// for the problems validation finds later.
type shape struct {
	probs  *problems
	lines  map[string]int
	budget int
	wrong  []*yaml.Node // values of the wrong form, emptied before decoding
}

func (s *shape) check(n *yaml.Node, t reflect.Type, key string) {
	if s.budget--; s.budget < 0 {
		if s.budget == -1 {
			s.probs.at(n.Line, key, "the file has more than %d values (aliases that expand too far?); write it out plainly", nodeBudget)
		}
		return
	}
	switch {
	case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
		s.check(n.Content[0], t, key)
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		s.check(n.Alias, t, key)
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		// an empty value keeps the default
	case n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode:
	default:
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		s.value(n, t, key)
	}
}

// value checks a node that holds a value of type t.
func (s *shape) value(n *yaml.Node, t reflect.Type, key string) {
	if n.Kind != nodeKind(t) {
		s.mismatch(n, t, key)
		return
	}
	switch {
	case isLeaf(t):
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			s.probs.at(n.Line, key, "%s is not %s", describeNode(n), expectedForm(t))
			s.wrong = append(s.wrong, n)
		}
	case t.Kind() == reflect.Struct:
		s.fields(n, t, key, map[string]int{})
	case t.Kind() == reflect.Map:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if p := joinKey(key, k.Value); !s.twice(k, p, seen) {
				s.check(v, t.Elem(), p)
			}
		}
	case t.Kind() == reflect.Slice:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", key, i)
			s.lines[p] = item.Line
			s.check(item, t.Elem(), p)
		}
	}
}

// nodeKind is the kind of YAML node a value of type t is written as.
func nodeKind(t reflect.Type) yaml.Kind {
	switch {
	case isLeaf(t):
		return yaml.ScalarNode
	case t.Kind() == reflect.Slice:
		return yaml.SequenceNode
	}
	return yaml.MappingNode
}

// mismatch records a value of the wrong kind (a list for a text, ...).
func (s *shape) mismatch(n *yaml.Node, t reflect.Type, key string) {
	s.probs.at(n.Line, key, "got %s; write %s", describeNode(n), expectedForm(t))
	s.wrong = append(s.wrong, n)
}

// empty turns the values of the wrong form into empty ones, so that the
// rest of the file decodes (yaml.v3 stops at the first value it cannot
// decode): those keys keep their defaults, and their problems are reported.
func (s *shape) empty() {
	for _, n := range s.wrong {
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
	}
}

// fields checks the keys of a mapping decoded into struct t.
func (s *shape) fields(n *yaml.Node, t reflect.Type, key string, seen map[string]int) {
	known := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.ShortTag() == "!!merge" { // <<: *defaults
			s.merge(v, t, key, seen)
			continue
		}
		p := joinKey(key, k.Value)
		ft, ok := known[k.Value]
		if !ok {
			s.unknown(k, p, known)
			continue
		}
		if s.twice(k, p, seen) {
			continue
		}
		s.check(v, ft, p)
	}
}

func (s *shape) merge(v *yaml.Node, t reflect.Type, key string, seen map[string]int) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		s.fields(v, t, key, seen)
	case yaml.SequenceNode:
		for _, m := range v.Content {
			s.merge(m, t, key, seen)
		}
	}
}

// twice reports (and records) a key given twice in one mapping; else it
// notes the key's line.
func (s *shape) twice(k *yaml.Node, p string, seen map[string]int) bool {
	if first, ok := seen[k.Value]; ok {
		s.probs.at(k.Line, p, "given twice (first on line %d); keep one", first)
		return true
	}
	seen[k.Value] = k.Line
	s.lines[p] = k.Line
	return false
}

func (s *shape) unknown(k *yaml.Node, p string, known map[string]reflect.Type) {
	names := make([]string, 0, len(known))
	for name := range known {
		names = append(names, name)
	}
	sort.Strings(names)
	if best, ok := nearest(k.Value, names); ok {
		s.probs.at(k.Line, p, "unknown key; did you mean %s?", best)
		return
	}
	where := "here"
	if parent := parentKey(p); parent != "" {
		where = "under " + parent
	}
	s.probs.at(k.Line, p, "unknown key; the keys %s are %s", where, strings.Join(names, ", "))
}

// yamlFields maps the yaml names of t's fields (inline ones included) to
// their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, inline := yamlName(f)
		switch {
		case inline:
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
		case name != "":
			out[name] = f.Type
		}
	}
	return out
}

// yamlName is the key of a struct field in YAML, as yaml.v3 reads it: its
// tag's name, or the field's name in lower case; "" for a field YAML does
// not see. inline says the field's own fields are keys of the parent.
func yamlName(f reflect.StructField) (name string, inline bool) {
	if !f.IsExported() {
		return "", false
	}
	name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch {
	case name == "-":
		return "", false
	case strings.Contains(opts, "inline"):
		return "", true
	case name == "":
		return strings.ToLower(f.Name), false
	}
	return name, false
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
)

// isLeaf reports whether t is written as one scalar.
func isLeaf(t reflect.Type) bool {
	if t == timeType || reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// expectedForm says, for a person, how a value of type t is written.
func expectedForm(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType || t == reflect.TypeFor[Duration]():
		return "a duration such as 30s, 5m or 1h"
	case t == timeType:
		return "a time such as 2026-12-24T18:00:00+01:00"
	}
	switch t.Kind() {
	case reflect.String:
		return "a text (quote it if it holds a colon or starts with a special character)"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		if isLeaf(t.Elem()) {
			return "a list such as [" + exampleItems(t.Elem()) + "]"
		}
		return "a list of entries, each starting with \"- \" on its own line (see warroom.example.yaml)"
	case reflect.Map:
		if isLeaf(t.Elem()) {
			return "keys with values such as {name: " + exampleItem(t.Elem()) + "}"
		}
		return "named entries, each a name with its keys indented under it (see warroom.example.yaml)"
	case reflect.Struct:
		return "keys indented under it (see warroom.example.yaml)"
	}
	return "a value of type " + t.String()
}

func exampleItems(t reflect.Type) string {
	if t.Kind() == reflect.String {
		return "alice, bob"
	}
	return exampleItem(t) + ", " + exampleItem(t)
}

func exampleItem(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "value"
	case reflect.Bool:
		return "true"
	}
	return "1"
}

// describeNode says what the file holds where a value was expected.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	return fmt.Sprintf("%q", v)
}
