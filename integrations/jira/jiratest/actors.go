package jiratest

import (
	"encoding/json"
	"strings"
)

// IssueInput is what a person fills in when creating an issue in Jira's
// web UI.
type IssueInput struct {
	Summary      string
	Description  string
	Project      string // a project's key; default Options.ProjectKey
	IssueType    string // default the first of the project's issue types
	Priority     string // default Options.DefaultPriority
	Labels       []string
	Assignee     string         // a user name; "" leaves it unassigned
	CustomFields map[string]any // by field id, e.g. "customfield_10010"
}

// CreateIssueAsUser creates an issue the way a person does in Jira, as
// user (a user name, added to Jira when new), and returns its key and the
// jira:issue_created webhook. It fails the test when Jira would refuse the
// issue (no summary, an unknown issue type or priority, ...).
func (s *Server) CreateIssueAsUser(user string, in IssueInput) (string, Webhook) {
	s.t.Helper()
	if in.Project == "" {
		in.Project = s.opts.ProjectKey
	}
	if in.IssueType == "" {
		s.mu.Lock()
		if p := s.findProject(in.Project, false); p != nil {
			in.IssueType = p.IssueTypes[0]
		}
		s.mu.Unlock()
	}
	fields := map[string]any{
		"project":   map[string]string{"key": in.Project},
		"issuetype": map[string]string{"name": in.IssueType},
		"summary":   in.Summary,
	}
	if in.Description != "" {
		fields["description"] = in.Description
	}
	if in.Priority != "" {
		fields["priority"] = map[string]string{"name": in.Priority}
	}
	if in.Labels != nil {
		fields["labels"] = in.Labels
	}
	if in.Assignee != "" {
		fields["assignee"] = map[string]string{"name": in.Assignee}
	}
	for k, v := range in.CustomFields {
		fields[k] = v
	}
	raw := map[string]json.RawMessage{}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			s.t.Fatalf("jiratest: field %s: %v", k, err)
		}
		raw[k] = b
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	n, errs := s.parseCreate(raw, user)
	if len(errs) > 0 {
		s.t.Fatalf("jiratest: Jira refuses the issue: %v", errs)
	}
	mark := len(s.events)
	is := s.insertIssue(n, user)
	return is.key, s.eventSince(mark, "jira:issue_created")
}

// TransitionAsUser moves the issue through the transition of that name, as
// user clicking it in Jira, and returns the jira:issue_updated webhook with
// its status changelog item. It fails the test when the issue does not
// exist or no such transition is open from its status.
func (s *Server) TransitionAsUser(user, key, transitionName string) Webhook {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.findIssue(key)
	if is == nil {
		s.t.Fatalf("jiratest: no issue %s", key)
	}
	var names []string
	for _, tr := range s.available(is) {
		if strings.EqualFold(tr.Name, transitionName) {
			mark := len(s.events)
			s.transition(is, tr, user, "", nil)
			return s.eventSince(mark, "jira:issue_updated")
		}
		names = append(names, tr.Name)
	}
	s.t.Fatalf("jiratest: %s is %s; transition %q is not open from there (open: %q)", key, is.status, transitionName, names)
	return Webhook{}
}

// CommentAsUser adds a comment as user and returns the comment_created
// webhook. Jira also fires a jira:issue_updated (issue_commented), which
// Events has.
func (s *Server) CommentAsUser(user, key, body string) Webhook {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.findIssue(key)
	if is == nil {
		s.t.Fatalf("jiratest: no issue %s", key)
	}
	if strings.TrimSpace(body) == "" {
		s.t.Fatalf("jiratest: %s", msgEmptyComment)
	}
	mark := len(s.events)
	s.insertComment(is, user, body, nil)
	return s.eventSince(mark, "comment_created")
}
