package jiratest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// jqlFields maps JQL field names and aliases to the fake's field names.
var jqlFields = map[string]string{
	"project": "project", "key": "key", "issuekey": "key", "id": "key",
	"labels": "labels", "label": "labels", "status": "status", "statuscategory": "statuscategory",
	"issuetype": "issuetype", "type": "issuetype", "priority": "priority", "resolution": "resolution",
	"summary": "summary", "description": "description", "text": "text", "comment": "comment",
	"reporter": "reporter", "assignee": "assignee", "creator": "creator",
}

var textFields = map[string]bool{"summary": true, "description": true, "text": true, "comment": true}

// resolve checks a parsed query against what Jira knows, with Jira's
// errors for unknown fields and values, and puts values in canonical form.
// Called with s.mu held.
func (s *Server) resolve(x expr, user string) (expr, error) {
	switch x := x.(type) {
	case orExpr:
		return s.resolveAll(x, user, func(xs []expr) expr { return orExpr(xs) })
	case andExpr:
		return s.resolveAll(x, user, func(xs []expr) expr { return andExpr(xs) })
	case notExpr:
		inner, err := s.resolve(x.x, user)
		return notExpr{inner}, err
	case clause:
		return s.resolveClause(x, user)
	}
	return x, nil
}

func (s *Server) resolveAll(xs []expr, user string, wrap func([]expr) expr) (expr, error) {
	out := make([]expr, len(xs))
	for i, x := range xs {
		r, err := s.resolve(x, user)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return wrap(out), nil
}

func (s *Server) resolveClause(c clause, user string) (expr, error) {
	name, ok := jqlFields[c.field]
	if !ok {
		return nil, fmt.Errorf("Field '%s' does not exist or you do not have permission to view it.", c.field)
	}
	c.field = name
	isText := textFields[name]
	if isText != (c.op == "~" || c.op == "!~") {
		return nil, fmt.Errorf("The operator '%s' is not supported by the '%s' field.", c.op, name)
	}
	for i, v := range c.values {
		canon, err := s.canonical(name, v, user)
		if err != nil {
			return nil, err
		}
		c.values[i] = canon
	}
	// resolution = Unresolved is how JQL says "resolution IS EMPTY".
	if name == "resolution" && len(c.values) == 1 && c.values[0] == "" {
		switch c.op {
		case "=":
			c.op, c.values = "is", nil
		case "!=":
			c.op, c.values = "is not", nil
		}
	}
	return c, nil
}

func (s *Server) canonical(field, v, user string) (string, error) {
	unknown := fmt.Errorf("The value '%s' does not exist for the field '%s'.", v, field)
	switch field {
	case "project":
		p := s.findProject(v, true)
		if p == nil {
			return "", unknown
		}
		return p.Key, nil
	case "key":
		is := s.findIssue(v)
		if is == nil {
			return "", fmt.Errorf("An issue with key '%s' does not exist for field 'key'.", v)
		}
		return is.key, nil
	case "status":
		st, ok := s.status(v)
		if !ok {
			return "", unknown
		}
		return st.Name, nil
	case "statuscategory":
		for key, c := range categories {
			if strings.EqualFold(v, key) || strings.EqualFold(v, c.name) || v == fmt.Sprint(c.id) {
				return key, nil
			}
		}
		return "", unknown
	case "issuetype":
		return lookupOr(s.issueTypes, firstIssueType, v, unknown)
	case "priority":
		return lookupOr(s.opts.Priorities, firstPriority, v, unknown)
	case "resolution":
		if strings.EqualFold(v, "Unresolved") {
			return "", nil
		}
		return lookupOr(s.opts.Resolutions, firstResolution, v, unknown)
	case "reporter", "assignee", "creator":
		if strings.EqualFold(v, "currentUser()") {
			return user, nil
		}
	}
	return v, nil
}

func lookupOr(names []string, first int, v string, err error) (string, error) {
	if name, ok := lookup(names, first, v); ok {
		return name, nil
	}
	return "", err
}

// values are an issue's values of a resolved field; empty when unset.
func (s *Server) values(is *issue, field string) []string {
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	switch field {
	case "project":
		return []string{is.project.Key}
	case "key":
		return []string{is.key}
	case "labels":
		return is.labels
	case "status":
		return []string{is.status}
	case "statuscategory":
		st, _ := s.status(is.status)
		return []string{st.Category}
	case "issuetype":
		return []string{is.issueType}
	case "priority":
		return []string{is.priority}
	case "resolution":
		return one(is.resolution)
	case "reporter":
		return one(is.reporter)
	case "assignee":
		return one(is.assignee)
	case "creator":
		return one(is.creator)
	case "summary":
		return []string{is.summary}
	case "description":
		return one(is.description)
	case "comment", "text":
		var out []string
		if field == "text" {
			out = append(out, is.summary, is.description)
		}
		for _, c := range is.comments {
			out = append(out, c.body)
		}
		return out
	}
	return nil
}

// match evaluates a resolved query on an issue. Like Jira, != and NOT IN
// never match an issue whose field is empty. Text search (~) matches when
// every word of the value occurs in the text, ignoring case.
func (s *Server) match(x expr, is *issue) bool {
	switch x := x.(type) {
	case nil:
		return true
	case orExpr:
		return slices.ContainsFunc(x, func(y expr) bool { return s.match(y, is) })
	case andExpr:
		return !slices.ContainsFunc(x, func(y expr) bool { return !s.match(y, is) })
	case notExpr:
		return !s.match(x.x, is)
	case clause:
		have := s.values(is, x.field)
		anyOf := slices.ContainsFunc(have, func(h string) bool { return slices.Contains(x.values, h) })
		switch x.op {
		case "=", "in":
			return anyOf
		case "!=", "not in":
			return len(have) > 0 && !anyOf
		case "is":
			return len(have) == 0
		case "is not":
			return len(have) > 0
		case "~":
			return containsWords(have, x.values[0])
		case "!~":
			return !containsWords(have, x.values[0])
		}
	}
	return false
}

func containsWords(texts []string, query string) bool {
	all := strings.ToLower(strings.Join(texts, "\n"))
	for _, w := range strings.Fields(strings.ToLower(query)) {
		if !strings.Contains(all, strings.Trim(w, "*")) {
			return false
		}
	}
	return true
}

// sortIssues orders issues by the ORDER BY keys; without any, by id
// ascending, so paging is stable. Called with s.mu held.
func (s *Server) sortIssues(issues []*issue, order []orderKey) error {
	for _, k := range order {
		switch k.field {
		case "created", "updated", "key", "id", "issuekey", "priority", "status", "summary":
		default:
			return fmt.Errorf("Error in the JQL Query: the fake Jira cannot order by '%s'.", k.field)
		}
	}
	slices.SortStableFunc(issues, func(a, b *issue) int {
		for _, k := range order {
			c := s.compare(a, b, k.field)
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return compareIDs(a.id, b.id)
	})
	return nil
}

func (s *Server) compare(a, b *issue, field string) int {
	switch field {
	case "created":
		return a.created.Compare(b.created)
	case "updated":
		return a.updated.Compare(b.updated)
	case "priority":
		// Highest first is "priority DESC" in Jira.
		return cmp.Compare(slices.Index(s.opts.Priorities, b.priority), slices.Index(s.opts.Priorities, a.priority))
	case "status":
		return strings.Compare(a.status, b.status)
	case "summary":
		return strings.Compare(a.summary, b.summary)
	case "key", "issuekey":
		// By project, then by number: OPS-2 before OPS-10, as in Jira.
		return cmp.Or(strings.Compare(a.project.Key, b.project.Key), cmp.Compare(keyNumber(a.key), keyNumber(b.key)))
	}
	return compareIDs(a.id, b.id)
}

// keyNumber is the number of an issue key: 17 of OPS-17.
func keyNumber(key string) int {
	_, num, _ := strings.Cut(key, "-")
	n, _ := strconv.Atoi(num)
	return n
}

// compareIDs orders Jira's numeric ids as numbers.
func compareIDs(a, b string) int {
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return cmp.Compare(x, y)
}
