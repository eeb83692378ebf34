package jiratest

import (
	"fmt"
	"strings"
	"unicode"
)

// The subset of JQL the fake understands:
//
//	query   = [or] [ORDER BY field [ASC|DESC] {, field [ASC|DESC]}]
//	or      = and {OR and}
//	and     = unary {AND unary}
//	unary   = NOT unary | "(" or ")" | clause
//	clause  = field (= | != | ~ | !~) value
//	        | field [NOT] IN "(" value {, value} ")"
//	        | field IS [NOT] (EMPTY | NULL)
//	value   = word | "quoted" | 'quoted' | currentUser()
//
// Anything else is a 400, as Jira answers JQL it cannot parse.

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokWord
	tokString
	tokOp
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokenKind
	text string
}

// is reports whether t is the unquoted keyword kw, in any case.
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

func tokenize(q string) ([]token, error) {
	var out []token
	rs := []rune(q)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(':
			out = append(out, token{tokLParen, "("})
			i++
		case c == ')':
			out = append(out, token{tokRParen, ")"})
			i++
		case c == ',':
			out = append(out, token{tokComma, ","})
			i++
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != c; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("the quoted string starting at character %d is not closed", i+1)
			}
			out = append(out, token{tokString, b.String()})
			i = j + 1
		case strings.ContainsRune("=!~<>", c):
			j := i + 1
			if j < len(rs) && strings.ContainsRune("=~", rs[j]) && c != '=' && c != '~' {
				j++
			}
			out = append(out, token{tokOp, string(rs[i:j])})
			i = j
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune(`()",'=!~<>`, rs[j]) {
				j++
			}
			out = append(out, token{tokWord, string(rs[i:j])})
			i = j
		}
	}
	return append(out, token{kind: tokEOF}), nil
}

// expr is a parsed JQL condition.
type expr interface{}

type (
	orExpr  []expr
	andExpr []expr
	notExpr struct{ x expr }
	clause  struct {
		field  string // lower case
		op     string // =, !=, ~, !~, in, not in, is, is not
		values []string
	}
)

type orderKey struct {
	field string
	desc  bool
}

type jqlQuery struct {
	where expr // nil: every issue
	order []orderKey
}

type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) take() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) fail(want string) error {
	t := p.peek()
	got := "the end of the query"
	if t.kind != tokEOF {
		got = fmt.Sprintf("'%s'", t.text)
	}
	return fmt.Errorf("Error in the JQL Query: Expecting %s but got %s.", want, got)
}

func parseJQL(q string) (jqlQuery, error) {
	toks, err := tokenize(q)
	if err != nil {
		return jqlQuery{}, fmt.Errorf("Error in the JQL Query: %v.", err)
	}
	p := &parser{toks: toks}
	var out jqlQuery
	if p.peek().kind != tokEOF && !p.peek().is("ORDER") {
		if out.where, err = p.or(); err != nil {
			return jqlQuery{}, err
		}
	}
	if p.peek().is("ORDER") {
		p.take()
		if !p.take().is("BY") {
			return jqlQuery{}, fmt.Errorf("Error in the JQL Query: Expecting 'BY' after 'ORDER'.")
		}
		for {
			f := p.take()
			if f.kind != tokWord && f.kind != tokString {
				p.pos--
				return jqlQuery{}, p.fail("a field name")
			}
			k := orderKey{field: strings.ToLower(f.text)}
			if p.peek().is("ASC") || p.peek().is("DESC") {
				k.desc = p.take().is("DESC")
			}
			out.order = append(out.order, k)
			if p.peek().kind != tokComma {
				break
			}
			p.take()
		}
	}
	if p.peek().kind != tokEOF {
		return jqlQuery{}, p.fail("'AND', 'OR' or 'ORDER BY'")
	}
	return out, nil
}

func (p *parser) or() (expr, error) {
	return p.list("OR", p.and, func(xs []expr) expr { return orExpr(xs) })
}

func (p *parser) and() (expr, error) {
	return p.list("AND", p.unary, func(xs []expr) expr { return andExpr(xs) })
}

func (p *parser) list(sep string, next func() (expr, error), wrap func([]expr) expr) (expr, error) {
	x, err := next()
	if err != nil {
		return nil, err
	}
	xs := []expr{x}
	for p.peek().is(sep) {
		p.take()
		if x, err = next(); err != nil {
			return nil, err
		}
		xs = append(xs, x)
	}
	if len(xs) == 1 {
		return xs[0], nil
	}
	return wrap(xs), nil
}

func (p *parser) unary() (expr, error) {
	switch t := p.peek(); {
	case t.is("NOT"):
		p.take()
		x, err := p.unary()
		return notExpr{x}, err
	case t.kind == tokLParen:
		p.take()
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.take().kind != tokRParen {
			p.pos--
			return nil, p.fail("')'")
		}
		return x, nil
	}
	return p.clause()
}

func (p *parser) clause() (expr, error) {
	f := p.take()
	if f.kind != tokWord && f.kind != tokString {
		p.pos--
		return nil, p.fail("a field name")
	}
	c := clause{field: strings.ToLower(f.text)}
	switch t := p.take(); {
	case t.kind == tokOp && (t.text == "=" || t.text == "!=" || t.text == "~" || t.text == "!~"):
		c.op = t.text
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c.values = []string{v}
	case t.kind == tokOp:
		return nil, fmt.Errorf("Error in the JQL Query: the fake Jira does not support the operator '%s'.", t.text)
	case t.is("IN") || (t.is("NOT") && p.peek().is("IN")):
		c.op = "in"
		if t.is("NOT") {
			p.take()
			c.op = "not in"
		}
		if p.take().kind != tokLParen {
			p.pos--
			return nil, p.fail("'('")
		}
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			c.values = append(c.values, v)
			if sep := p.take(); sep.kind == tokRParen {
				break
			} else if sep.kind != tokComma {
				p.pos--
				return nil, p.fail("',' or ')'")
			}
		}
	case t.is("IS"):
		c.op = "is"
		if p.peek().is("NOT") {
			p.take()
			c.op = "is not"
		}
		if v := p.take(); !v.is("EMPTY") && !v.is("NULL") {
			p.pos--
			return nil, p.fail("'EMPTY' or 'NULL'")
		}
	default:
		p.pos--
		return nil, p.fail("an operator")
	}
	return c, nil
}

func (p *parser) value() (string, error) {
	t := p.take()
	switch {
	case t.kind == tokString:
		return t.text, nil
	case t.kind == tokWord && p.peek().kind == tokLParen:
		p.take()
		if p.take().kind != tokRParen {
			p.pos--
			return "", p.fail("')'")
		}
		return t.text + "()", nil
	case t.kind == tokWord && !t.is("AND") && !t.is("OR") && !t.is("ORDER"):
		return t.text, nil
	}
	p.pos--
	return "", p.fail("a value")
}
