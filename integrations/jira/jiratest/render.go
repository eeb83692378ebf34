package jiratest

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

func jtime(t time.Time) string { return t.Format(jiraTime) }

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return jtime(t)
}

func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) issueSelf(is *issue) string { return s.base + "/rest/api/2/issue/" + is.id }

// allFields renders every field of an issue as GET /issue returns it.
func (s *Server) allFields(is *issue) map[string]any {
	labels := append([]string{}, is.labels...)
	comments := make([]any, 0, len(is.comments))
	for _, c := range is.comments {
		comments = append(comments, s.commentJSON(is, c))
	}
	attachments := make([]any, 0, len(is.attachments))
	for _, a := range is.attachments {
		attachments = append(attachments, s.attachmentJSON(a))
	}
	f := map[string]any{
		"summary":        is.summary,
		"description":    optString(is.description),
		"environment":    optString(is.environment),
		"issuetype":      s.issueTypeJSON(is.issueType),
		"project":        s.projectJSON(is.project),
		"priority":       s.priorityJSON(is.priority),
		"labels":         labels,
		"status":         s.statusJSON(is.status),
		"resolution":     s.resolutionJSON(is.resolution),
		"resolutiondate": optTime(is.resolved),
		"reporter":       s.userJSON(is.reporter),
		"creator":        s.userJSON(is.creator),
		"assignee":       s.userJSON(is.assignee),
		"created":        jtime(is.created),
		"updated":        jtime(is.updated),
		"duedate":        nil,
		"components":     []any{},
		"fixVersions":    []any{},
		"versions":       []any{},
		"issuelinks":     s.linksJSON(is),
		"subtasks":       []any{},
		"attachment":     attachments,
		"comment": map[string]any{
			"comments": comments, "maxResults": len(comments), "total": len(comments), "startAt": 0,
		},
	}
	for k, v := range is.custom {
		f[k] = v
	}
	return f
}

// notNavigable are the fields *navigable leaves out, search's default.
var notNavigable = map[string]bool{"comment": true, "attachment": true}

// selectFields applies Jira's fields parameter ("summary,status", "*all",
// "*navigable", "-comment") to rendered fields; def is the base when the
// parameter is empty or only excludes fields.
func selectFields(all map[string]any, param, def string) map[string]any {
	onlyExcludes := true
	for _, p := range strings.Split(param, ",") {
		if p = strings.TrimSpace(p); p != "" && !strings.HasPrefix(p, "-") {
			onlyExcludes = false
		}
	}
	if onlyExcludes {
		param = def + "," + param
	}
	keep := map[string]bool{}
	drop := map[string]bool{}
	for _, p := range strings.Split(param, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "*all":
			for k := range all {
				keep[k] = true
			}
		case p == "*navigable":
			for k := range all {
				if !notNavigable[k] {
					keep[k] = true
				}
			}
		case strings.HasPrefix(p, "-"):
			drop[p[1:]] = true
		case p != "":
			keep[p] = true
		}
	}
	out := map[string]any{}
	for k := range keep {
		if v, ok := all[k]; ok && !drop[k] {
			out[k] = v
		}
	}
	return out
}

// issueJSON renders an issue with the requested fields and expansions.
func (s *Server) issueJSON(is *issue, fields, defFields, expand string) map[string]any {
	out := map[string]any{
		"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id":     is.id,
		"self":   s.issueSelf(is),
		"key":    is.key,
		"fields": selectFields(s.allFields(is), fields, defFields),
	}
	for _, e := range strings.Split(expand, ",") {
		switch strings.TrimSpace(e) {
		case "changelog":
			out["changelog"] = s.changelogJSON(is)
		case "transitions":
			out["transitions"] = s.transitionsJSON(is, false, "")
		}
	}
	return out
}

func (s *Server) changelogJSON(is *issue) map[string]any {
	histories := make([]any, 0, len(is.history))
	for _, h := range is.history {
		histories = append(histories, s.changeGroupJSON(h))
	}
	return map[string]any{"startAt": 0, "maxResults": len(histories), "total": len(histories), "histories": histories}
}

func (s *Server) changeGroupJSON(h *changeGroup) map[string]any {
	items := make([]any, 0, len(h.items))
	for _, it := range h.items {
		items = append(items, it.json())
	}
	return map[string]any{"id": h.id, "author": s.userJSON(h.author), "created": jtime(h.created), "items": items}
}

func (s *Server) commentJSON(is *issue, c *comment) map[string]any {
	m := map[string]any{
		"self":         s.issueSelf(is) + "/comment/" + c.id,
		"id":           c.id,
		"author":       s.userJSON(c.author),
		"body":         c.body,
		"updateAuthor": s.userJSON(c.author),
		"created":      jtime(c.created),
		"updated":      jtime(c.updated),
	}
	if len(c.visibility) > 0 {
		m["visibility"] = json.RawMessage(c.visibility)
	}
	return m
}

func (s *Server) contentURL(a *attachment) string {
	return s.base + "/secure/attachment/" + a.id + "/" + url.PathEscape(a.filename)
}

func (s *Server) attachmentJSON(a *attachment) map[string]any {
	return map[string]any{
		"self":     s.base + "/rest/api/2/attachment/" + a.id,
		"id":       a.id,
		"filename": a.filename,
		"author":   s.userJSON(a.author),
		"created":  jtime(a.created),
		"size":     len(a.data),
		"mimeType": a.mimeType,
		"content":  s.contentURL(a),
	}
}
