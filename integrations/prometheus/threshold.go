package prometheus

import (
	"math"
	"strconv"
	"strings"
)

// SplitThreshold splits an alert expression such as
// `histogram_quantile(0.99, ...) > 2` or `up == 0` into the query whose values
// a graph should show and the constant it is compared against, so the graph
// can draw the threshold as a line instead of showing only the alerting
// series (or 0/1 with "bool").
//
// It only takes the simple, safe case: one comparison (==, !=, >, <, >=, <=,
// optionally with "bool") at the top level of the expression, with a plain
// number on one side. Anything else (two comparisons, and/or/unless, a
// vector on both sides, comments) gives ok == false and expr unchanged.
func SplitThreshold(expr string) (query string, threshold float64, ok bool) {
	e := unwrapParens(strings.TrimSpace(expr))
	sc, good := scanTopLevel(e)
	if !good || sc.setOp || len(sc.cmps) != 1 {
		return expr, 0, false
	}
	op := sc.cmps[0]
	left := strings.TrimSpace(e[:op.pos])
	right := strings.TrimSpace(e[op.pos+op.len:])
	if rest, found := strings.CutPrefix(right, "bool"); found && rest != "" && isSpace(rest[0]) {
		right = strings.TrimSpace(rest)
	}
	lv, lnum := parseNumber(left)
	rv, rnum := parseNumber(right)
	switch {
	case rnum && !lnum && left != "":
		return left, rv, true
	case lnum && !rnum && right != "":
		return right, lv, true
	}
	return expr, 0, false
}

// cmpOp is a comparison operator found at the top level of an expression.
type cmpOp struct{ pos, len int }

// topLevel is what scanTopLevel finds outside all brackets and strings.
type topLevel struct {
	cmps  []cmpOp
	setOp bool // "and", "or" or "unless": they bind looser than comparisons
}

// scanTopLevel walks e, skipping string literals and everything inside (),
// [] and {}, and reports the comparisons and set operators outside them. It
// reports false for brackets that do not balance, unterminated strings and
// comments.
func scanTopLevel(e string) (topLevel, bool) {
	var r topLevel
	depth := 0
	for i := 0; i < len(e); i++ {
		c := e[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			end := stringEnd(e, i)
			if end < 0 {
				return r, false
			}
			i = end
		case c == '#':
			return r, false
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			if depth--; depth < 0 {
				return r, false
			}
		case depth > 0:
		case isWordStart(c):
			j := i
			for j < len(e) && isWordChar(e[j]) {
				j++
			}
			switch strings.ToLower(e[i:j]) {
			case "and", "or", "unless":
				r.setOp = true
			}
			i = j - 1
		case c == '=' || c == '!' || c == '<' || c == '>':
			n := 1
			if i+1 < len(e) && e[i+1] == '=' {
				n = 2
			} else if c == '=' || c == '!' {
				return r, false // "=~", "!~" or a lone "=" outside a selector
			}
			r.cmps = append(r.cmps, cmpOp{i, n})
			i += n - 1
		}
	}
	return r, depth == 0
}

// stringEnd returns the index of the quote closing the string literal that
// starts at e[start], or -1. Backquoted strings have no escapes.
func stringEnd(e string, start int) int {
	q := e[start]
	for i := start + 1; i < len(e); i++ {
		switch {
		case e[i] == '\\' && q != '`':
			i++
		case e[i] == q:
			return i
		}
	}
	return -1
}

// unwrapParens removes parentheses that enclose the whole expression.
func unwrapParens(e string) string {
	for len(e) >= 2 && e[0] == '(' && matchingParen(e) == len(e)-1 {
		e = strings.TrimSpace(e[1 : len(e)-1])
	}
	return e
}

// matchingParen returns the index of the bracket closing e[0], or -1.
func matchingParen(e string) int {
	depth := 0
	for i := 0; i < len(e); i++ {
		switch c := e[i]; c {
		case '"', '\'', '`':
			if i = stringEnd(e, i); i < 0 {
				return -1
			}
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// parseNumber parses a PromQL number literal: decimal, scientific or hex,
// with an optional sign. NaN and Inf are refused: there is no line to draw.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		unsigned := strings.TrimLeft(s, "+-")
		i, ierr := strconv.ParseInt(unsigned, 0, 64)
		if ierr != nil || len(s)-len(unsigned) > 1 {
			return 0, false
		}
		v = float64(i)
		if s[0] == '-' {
			v = -v
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isWordStart(c byte) bool {
	return c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
func isWordChar(c byte) bool { return isWordStart(c) || '0' <= c && c <= '9' }
