package jiratest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// addComment is POST /rest/api/2/issue/{key}/comment: 201 with the comment;
// 400 when the body is empty or not a string (an ADF document); 404.
func (s *Server) addComment(w http.ResponseWriter, r *http.Request, user string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	var req struct {
		Body       json.RawMessage `json:"body"`
		Visibility json.RawMessage `json:"visibility"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	var body string
	if len(req.Body) > 0 && json.Unmarshal(req.Body, &body) != nil {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"comment": "Operation value must be a string"})
		return
	}
	if strings.TrimSpace(body) == "" {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"comment": msgEmptyComment})
		return
	}
	if !s.allowWrite(w, is) {
		return
	}
	c := s.insertComment(is, user, body, visibility(req.Visibility))
	writeJSON(w, http.StatusCreated, s.commentJSON(is, c))
}

// visibility keeps a restriction such as {"type":"role","value":"Developers"};
// go-jira sends an empty object when there is none.
func visibility(raw json.RawMessage) json.RawMessage {
	var v struct{ Type, Value string }
	if json.Unmarshal(raw, &v) != nil || v.Type == "" {
		return nil
	}
	return append(json.RawMessage(nil), raw...)
}

// insertComment adds a comment and records comment_created and the
// jira:issue_updated (issue_commented) Jira fires with it. Called with s.mu
// held.
func (s *Server) insertComment(is *issue, user, body string, vis json.RawMessage) *comment {
	c := s.newComment(is, user, body, vis)
	s.emitIssueEvent("jira:issue_updated", "issue_commented", user, is, nil, c)
	return c
}

// newComment adds a comment and records comment_created only. Called with
// s.mu held.
func (s *Server) newComment(is *issue, user, body string, vis json.RawMessage) *comment {
	now := s.now()
	c := &comment{id: s.next("comment", 10100), author: user, body: body, created: now, updated: now, visibility: vis}
	is.comments = append(is.comments, c)
	is.updated = now
	s.emitCommentEvent(is, c)
	return c
}

// listComments is GET /rest/api/2/issue/{key}/comment with startAt,
// maxResults and orderBy (created or -created); without maxResults every
// comment is on the one page. 404.
func (s *Server) listComments(w http.ResponseWriter, r *http.Request, _ string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	q := r.URL.Query()
	start, err1 := intParam(q.Get("startAt"), 0)
	limit, err2 := intParam(q.Get("maxResults"), len(is.comments))
	if err1 != nil || err2 != nil {
		writeMessage(w, http.StatusBadRequest, "startAt and maxResults must be numbers.")
		return
	}
	all := slices.Clone(is.comments)
	if strings.HasPrefix(q.Get("orderBy"), "-") {
		slices.Reverse(all)
	}
	page := make([]any, 0)
	for i := max0(start); i < len(all) && len(page) < limit; i++ {
		page = append(page, s.commentJSON(is, all[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"startAt": max0(start), "maxResults": limit, "total": len(all), "comments": page,
	})
}

// intParam parses an optional integer query parameter.
func intParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

func max0(n int) int { return max(n, 0) }
