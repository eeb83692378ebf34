package jiratest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// IssueView is a snapshot of an issue for assertions. It shares nothing
// with the server: changing it changes nothing in Jira.
type IssueView struct {
	ID             string
	Key            string
	Project        string // the project's key
	Summary        string
	Description    string
	IssueType      string
	Priority       string
	Labels         []string
	Status         string
	StatusCategory string // CategoryNew, CategoryIndeterminate or CategoryDone
	Resolution     string // "" when unresolved
	Reporter       string // user names
	Assignee       string
	Created        time.Time
	Updated        time.Time
	CustomFields   map[string]json.RawMessage
	Comments       []CommentView
	Attachments    []AttachmentView
	RemoteLinks    []RemoteLinkView
	IssueLinks     []IssueLinkView // links to other issues, as this one sees them
	// Transitions are the names of the transitions open from Status.
	Transitions []string
}

// CommentView is a comment in an IssueView.
type CommentView struct {
	ID      string
	Author  string
	Body    string
	Created time.Time
}

// AttachmentView is an attachment in an IssueView, with its bytes.
type AttachmentView struct {
	ID       string
	Filename string
	MimeType string
	Author   string
	Data     []byte
}

// RemoteLinkView is a remote link in an IssueView; JSON is the link as last
// sent.
type RemoteLinkView struct {
	ID       int
	GlobalID string
	JSON     json.RawMessage
}

// Request is one request the fake received, for assertions such as "the
// comment was posted once".
type Request struct {
	Method string
	Path   string // as sent, e.g. /rest/api/2/issue/OPS-1/comment
	Query  string
	Status int  // the status answered
	Fault  bool // answered by an injected fault
}

// Issue returns a snapshot of the issue with that key or id; it fails the
// test when there is none (use Issues to check absence).
func (s *Server) Issue(key string) IssueView {
	s.t.Helper()
	v, ok := s.LookupIssue(key)
	if !ok {
		s.t.Fatalf("jiratest: no issue %s", key)
	}
	return v
}

// LookupIssue returns a snapshot of the issue with that key or id, and
// whether it exists.
func (s *Server) LookupIssue(key string) (IssueView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.findIssue(key)
	if is == nil {
		return IssueView{}, false
	}
	return s.view(is), true
}

// Issues returns snapshots of all issues, in creation order.
func (s *Server) Issues() []IssueView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IssueView, 0, len(s.issues))
	for _, is := range s.issues {
		out = append(out, s.view(is))
	}
	return out
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) record(r *http.Request, path string, status int, fault bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: path, Query: r.URL.RawQuery, Status: status, Fault: fault,
	})
}

// view copies is. Called with s.mu held.
func (s *Server) view(is *issue) IssueView {
	st, _ := s.status(is.status)
	v := IssueView{
		ID: is.id, Key: is.key, Project: is.project.Key, Summary: is.summary, Description: is.description,
		IssueType: is.issueType, Priority: is.priority, Labels: slices.Clone(is.labels),
		Status: is.status, StatusCategory: st.Category, Resolution: is.resolution,
		Reporter: is.reporter, Assignee: is.assignee, Created: is.created, Updated: is.updated,
		CustomFields: map[string]json.RawMessage{},
	}
	for k, raw := range is.custom {
		v.CustomFields[k] = slices.Clone(raw)
	}
	for _, c := range is.comments {
		v.Comments = append(v.Comments, CommentView{ID: c.id, Author: c.author, Body: c.body, Created: c.created})
	}
	for _, a := range is.attachments {
		v.Attachments = append(v.Attachments, AttachmentView{
			ID: a.id, Filename: a.filename, MimeType: a.mimeType, Author: a.author, Data: slices.Clone(a.data),
		})
	}
	for _, l := range is.links {
		raw, _ := json.Marshal(l.body)
		v.RemoteLinks = append(v.RemoteLinks, RemoteLinkView{ID: l.id, GlobalID: l.globalID, JSON: raw})
	}
	v.IssueLinks = s.linkViews(is)
	for _, tr := range s.available(is) {
		v.Transitions = append(v.Transitions, tr.Name)
	}
	return v
}
