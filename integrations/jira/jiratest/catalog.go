package jiratest

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The catalog: the issue types, priorities, statuses, resolutions
// and users the fake knows, looked up by name or id, and rendered as Jira
// renders them inside an issue.

// jiraTime is the layout of every timestamp in Jira's REST answers.
const jiraTime = "2006-01-02T15:04:05.000-0700"

// lookup finds a name in names by name or by the id Jira would give it;
// ids are first+index. Name matching is case-insensitive, as in Jira.
func lookup(names []string, first int, ref string) (string, bool) {
	for i, n := range names {
		if strings.EqualFold(n, ref) || ref == strconv.Itoa(first+i) {
			return n, true
		}
	}
	return "", false
}

func idOf(names []string, first int, name string) string {
	for i, n := range names {
		if n == name {
			return strconv.Itoa(first + i)
		}
	}
	return ""
}

const (
	firstIssueType  = 10100
	firstPriority   = 1
	firstResolution = 10000
)

func (s *Server) issueTypeJSON(name string) map[string]any {
	id := idOf(s.issueTypes, firstIssueType, name)
	return map[string]any{
		"self": s.base + "/rest/api/2/issuetype/" + id, "id": id, "name": name,
		"description": "", "subtask": false,
	}
}

func (s *Server) priorityJSON(name string) map[string]any {
	id := idOf(s.opts.Priorities, firstPriority, name)
	return map[string]any{
		"self": s.base + "/rest/api/2/priority/" + id, "id": id, "name": name,
		"iconUrl": s.base + "/images/icons/priorities/" + strings.ToLower(name) + ".svg",
	}
}

func (s *Server) resolutionJSON(name string) any {
	if name == "" {
		return nil
	}
	id := idOf(s.opts.Resolutions, firstResolution, name)
	return map[string]any{
		"self": s.base + "/rest/api/2/resolution/" + id, "id": id, "name": name, "description": "",
	}
}

func (s *Server) status(ref string) (Status, bool) {
	for _, st := range s.opts.Statuses {
		if strings.EqualFold(st.Name, ref) || st.ID == ref {
			return st, true
		}
	}
	return Status{}, false
}

func (s *Server) statusJSON(name string) map[string]any {
	st, _ := s.status(name)
	return map[string]any{
		"self":           s.base + "/rest/api/2/status/" + st.ID,
		"description":    "",
		"iconUrl":        s.base + "/images/icons/statuses/generic.png",
		"name":           st.Name,
		"id":             st.ID,
		"statusCategory": categoryJSON(s.base, st.Category),
	}
}

// category is one of Jira's fixed status categories.
type category struct {
	id    int
	name  string
	color string
}

var categories = map[string]category{
	CategoryNew:           {2, "To Do", "blue-gray"},
	CategoryDone:          {3, "Done", "green"},
	CategoryIndeterminate: {4, "In Progress", "yellow"},
}

func categoryJSON(base, key string) map[string]any {
	c := categories[key]
	return map[string]any{
		"self": fmt.Sprintf("%s/rest/api/2/statuscategory/%d", base, c.id),
		"id":   c.id, "key": key, "colorName": c.color, "name": c.name,
	}
}

// addUser registers u, filling in what it leaves empty. Called with s.mu
// held, or before the server starts.
func (s *Server) addUser(u User) *User {
	if old, ok := s.users[u.Name]; ok {
		return old
	}
	if u.Key == "" {
		u.Key = "JIRAUSER" + s.next("user", 10000)
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	if u.Email == "" {
		u.Email = u.Name + "@example.com"
	}
	s.users[u.Name] = &u
	return &u
}

// userJSON is a Data Center user: name and key, never an accountId. An
// empty name is JSON null (unassigned).
func (s *Server) userJSON(name string) any {
	if name == "" {
		return nil
	}
	u := s.addUser(User{Name: name})
	return map[string]any{
		"self":         s.base + "/rest/api/2/user?username=" + url.QueryEscape(u.Name),
		"name":         u.Name,
		"key":          u.Key,
		"emailAddress": u.Email,
		"displayName":  u.DisplayName,
		"active":       true,
		"timeZone":     s.opts.Location.String(),
		"avatarUrls": map[string]string{
			"48x48": s.base + "/secure/useravatar?avatarId=10122",
			"24x24": s.base + "/secure/useravatar?size=small&avatarId=10122",
			"16x16": s.base + "/secure/useravatar?size=xsmall&avatarId=10122",
			"32x32": s.base + "/secure/useravatar?size=medium&avatarId=10122",
		},
	}
}
