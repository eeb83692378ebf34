package jiratest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Project is a Jira project beside the main one (Options.ProjectKey): its
// own key, id and name, its own issue key numbering (SRE-1, SRE-2, ...)
// and the issue types its scheme offers.
type Project struct {
	Key  string // e.g. "SRE"; required
	ID   string // numeric; default 10001, 10002, ... in order
	Name string // default Key
	// IssueTypes are the issue types of the project's scheme; default
	// Options.IssueTypes. A create with another type is refused, as Jira
	// refuses a type outside the project's scheme.
	IssueTypes []string
}

// project is the fake's record of a project. Guarded by Server.mu.
type project struct {
	Project
	last int // the number of its last issue key
}

// mainProjectID is the id of the project of Options.ProjectKey.
const mainProjectID = "10000"

// projectKeyRule is Jira's rule for project keys.
var projectKeyRule = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// setupProjects builds the main project and Options.Projects, and the
// catalog of every issue type they use (ids in order of first use, the
// main project's first). It reports inconsistent options.
func (s *Server) setupProjects() error {
	all := append([]Project{{Key: s.opts.ProjectKey, ID: mainProjectID, Name: s.opts.ProjectName, IssueTypes: s.opts.IssueTypes}}, s.opts.Projects...)
	seen := map[string]bool{}
	for i, p := range all {
		if p.ID == "" {
			p.ID = strconv.Itoa(10000 + i)
		}
		if p.Name == "" {
			p.Name = p.Key
		}
		p.IssueTypes = orDefault(p.IssueTypes, s.opts.IssueTypes)
		switch {
		case !projectKeyRule.MatchString(p.Key):
			return fmt.Errorf("project %q: a key is a capital letter, then capitals, digits or _", p.Key)
		case seen["key "+p.Key] || seen["id "+p.ID]:
			return fmt.Errorf("project %s (id %s): key or id used twice", p.Key, p.ID)
		}
		if _, err := strconv.Atoi(p.ID); err != nil {
			return fmt.Errorf("project %s: id %q is not numeric", p.Key, p.ID)
		}
		seen["key "+p.Key], seen["id "+p.ID] = true, true
		s.projects = append(s.projects, &project{Project: p})
		for _, it := range p.IssueTypes {
			if !slices.Contains(s.issueTypes, it) {
				s.issueTypes = append(s.issueTypes, it)
			}
		}
	}
	return nil
}

// findProject finds a project by id or key (case-insensitively, as Jira
// does), or by name when byName: JQL takes names, a create does not.
// Called with s.mu held.
func (s *Server) findProject(ref string, byName bool) *project {
	for _, p := range s.projects {
		if ref == p.ID || strings.EqualFold(ref, p.Key) || (byName && ref == p.Name) {
			return p
		}
	}
	return nil
}

func (s *Server) projectSelf(p *project) string { return s.base + "/rest/api/2/project/" + p.ID }

// projectJSON is a project as an issue's fields.project and the project
// list show it.
func (s *Server) projectJSON(p *project) map[string]any {
	return map[string]any{
		"self":           s.projectSelf(p),
		"id":             p.ID,
		"key":            p.Key,
		"name":           p.Name,
		"projectTypeKey": "software",
		"avatarUrls": map[string]string{
			"48x48": s.base + "/secure/projectavatar?avatarId=10324",
			"16x16": s.base + "/secure/projectavatar?size=xsmall&avatarId=10324",
		},
	}
}

// writeNoProject is Jira's 404 for a project that does not exist or that
// the user cannot see.
func writeNoProject(w http.ResponseWriter, ref string) {
	by := "key"
	if _, err := strconv.Atoi(ref); err == nil {
		by = "id"
	}
	writeMessage(w, http.StatusNotFound, fmt.Sprintf("No project could be found with %s '%s'.", by, ref))
}

// listProjects is GET /rest/api/2/project: every project, as a JSON array.
func (s *Server) listProjects(w http.ResponseWriter, _ *http.Request, _ string) {
	out := make([]any, 0, len(s.projects))
	for _, p := range s.projects {
		out = append(out, s.projectJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// getProject is GET /rest/api/2/project/{projectIdOrKey}: the project with
// its issue types; 404 with Jira's message for an unknown one.
func (s *Server) getProject(w http.ResponseWriter, r *http.Request, user string) {
	ref := r.PathValue("project")
	p := s.findProject(ref, false)
	if p == nil {
		writeNoProject(w, ref)
		return
	}
	out := s.projectJSON(p)
	out["description"] = ""
	out["lead"] = s.userJSON(s.opts.User)
	out["assigneeType"] = "UNASSIGNED"
	out["issueTypes"] = s.issueTypesOf(p)
	out["components"], out["versions"] = []any{}, []any{}
	out["expand"] = "description,lead,url,projectKeys"
	out["projectKeys"] = []string{p.Key}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) issueTypesOf(p *project) []any {
	out := make([]any, 0, len(p.IssueTypes))
	for _, it := range p.IssueTypes {
		out = append(out, s.issueTypeJSON(it))
	}
	return out
}

// createMetaIssueTypes is GET /rest/api/2/issue/createmeta/{project}/issuetypes
// (Data Center 8.4 and later; the one-call createmeta is gone in 9): the
// issue types one can create in the project, paged by startAt/maxResults.
func (s *Server) createMetaIssueTypes(w http.ResponseWriter, r *http.Request, _ string) {
	ref := r.PathValue("project")
	p := s.findProject(ref, false)
	if p == nil {
		writeNoProject(w, ref)
		return
	}
	writePage(w, r, s.issueTypesOf(p))
}

// createMetaFields is GET /rest/api/2/issue/createmeta/{project}/issuetypes/{id}:
// the fields of the create screen of that issue type in that project,
// paged; 404 when the project or the type (in its scheme) is unknown.
func (s *Server) createMetaFields(w http.ResponseWriter, r *http.Request, _ string) {
	ref := r.PathValue("project")
	p := s.findProject(ref, false)
	if p == nil {
		writeNoProject(w, ref)
		return
	}
	id := r.PathValue("type")
	name, ok := lookup(s.issueTypes, firstIssueType, id)
	if !ok || id != idOf(s.issueTypes, firstIssueType, name) || !slices.Contains(p.IssueTypes, name) {
		writeMessage(w, http.StatusNotFound, fmt.Sprintf("Issue type with id '%s' does not exist in project %s.", id, p.Key))
		return
	}
	field := func(id, name, typ string, required bool, extra map[string]any) any {
		f := map[string]any{
			"fieldId": id, "name": name, "required": required, "hasDefaultValue": false,
			"schema": map[string]any{"type": typ, "system": id}, "operations": []string{"set"},
		}
		for k, v := range extra {
			f[k] = v
		}
		return f
	}
	priorities := make([]any, 0, len(s.opts.Priorities))
	for _, pr := range s.opts.Priorities {
		priorities = append(priorities, s.priorityJSON(pr))
	}
	fields := []any{
		field("project", "Project", "project", true, map[string]any{"allowedValues": []any{s.projectJSON(p)}}),
		field("issuetype", "Issue Type", "issuetype", true, map[string]any{"allowedValues": []any{s.issueTypeJSON(name)}}),
		field("summary", "Summary", "string", true, nil),
		field("reporter", "Reporter", "user", true, map[string]any{"hasDefaultValue": true}),
		field("description", "Description", "string", false, nil),
		field("environment", "Environment", "string", false, nil),
		field("priority", "Priority", "priority", false, map[string]any{"allowedValues": priorities, "hasDefaultValue": true}),
		field("labels", "Labels", "array", false, map[string]any{"operations": []string{"add", "set", "remove"}}),
		field("assignee", "Assignee", "user", false, nil),
		field("duedate", "Due Date", "date", false, nil),
	}
	writePage(w, r, fields)
}

// writePage answers with one page of values the way Data Center's newer
// paged resources do: {maxResults, startAt, total, isLast, values}.
func writePage(w http.ResponseWriter, r *http.Request, values []any) {
	q := r.URL.Query()
	start, err1 := intParam(q.Get("startAt"), 0)
	limit, err2 := intParam(q.Get("maxResults"), 50)
	if err1 != nil || err2 != nil {
		writeMessage(w, http.StatusBadRequest, "startAt and maxResults must be numbers.")
		return
	}
	start = min(max0(start), len(values))
	if limit <= 0 {
		limit = 50
	}
	end := min(start+limit, len(values))
	writeJSON(w, http.StatusOK, map[string]any{
		"maxResults": limit, "startAt": start, "total": len(values), "isLast": end == len(values),
		"values": values[start:end],
	})
}
