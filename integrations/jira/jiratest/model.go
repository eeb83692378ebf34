package jiratest

import (
	"encoding/json"
	"time"
)

// issue is the fake's record of one Jira issue. Everything is guarded by
// Server.mu.
type issue struct {
	id          string
	key         string
	project     *project
	summary     string
	description string
	environment string
	issueType   string // name
	priority    string // name
	labels      []string
	status      string // name
	resolution  string // name, "" when unresolved
	resolved    time.Time
	reporter    string // user names
	creator     string
	assignee    string
	created     time.Time
	updated     time.Time
	custom      map[string]json.RawMessage
	comments    []*comment
	attachments []*attachment
	links       []*remoteLink
	history     []*changeGroup
}

type comment struct {
	id         string
	author     string
	body       string
	created    time.Time
	updated    time.Time
	visibility json.RawMessage // as sent, or nil
}

type attachment struct {
	id       string
	issue    *issue
	filename string
	mimeType string
	author   string
	created  time.Time
	data     []byte
}

type remoteLink struct {
	id       int
	globalID string
	body     map[string]json.RawMessage // the link as last sent
}

// changeGroup is one entry of an issue's changelog: what one action changed.
type changeGroup struct {
	id      string
	author  string
	created time.Time
	items   []changeItem
}

// changeItem is one changed field. from and to are ids (status id,
// attachment id) or nil; the strings are what a person reads.
type changeItem struct {
	field      string
	fieldType  string // "jira" or "custom"
	from, to   *string
	fromString *string
	toString   *string
}

func (c changeItem) json() map[string]any {
	return map[string]any{
		"field":      c.field,
		"fieldtype":  c.fieldType,
		"from":       c.from,
		"fromString": c.fromString,
		"to":         c.to,
		"toString":   c.toString,
	}
}

func strp(s string) *string { return &s }

// optp is nil for "", so an empty value shows as JSON null as Jira shows it.
func optp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
