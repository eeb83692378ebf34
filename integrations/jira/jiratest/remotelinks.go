package jiratest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// addRemoteLink is POST /rest/api/2/issue/{key}/remotelink: 201 {id,self}
// for a new link; 200 when a link with the same globalId exists, which is
// replaced. 400 when object.url or object.title is missing; 404.
func (s *Server) addRemoteLink(w http.ResponseWriter, r *http.Request, _ string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	var body map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	var object struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	}
	_ = json.Unmarshal(body["object"], &object)
	errs := map[string]string{}
	if object.URL == "" {
		errs["url"] = "'url' is required."
	}
	if object.Title == "" {
		errs["title"] = "'title' is required."
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, nil, errs)
		return
	}
	if !s.allowWrite(w, is) {
		return
	}
	var globalID string
	_ = json.Unmarshal(body["globalId"], &globalID)
	delete(body, "id")
	delete(body, "self")
	if l := findLink(is, globalID); l != nil {
		l.body = body
		writeJSON(w, http.StatusOK, map[string]any{"id": l.id, "self": s.linkSelf(is, l)})
		return
	}
	id, _ := strconv.Atoi(s.next("remotelink", 10000))
	l := &remoteLink{id: id, globalID: globalID, body: body}
	is.links = append(is.links, l)
	is.updated = s.now()
	writeJSON(w, http.StatusCreated, map[string]any{"id": l.id, "self": s.linkSelf(is, l)})
}

func findLink(is *issue, globalID string) *remoteLink {
	if globalID == "" {
		return nil
	}
	for _, l := range is.links {
		if l.globalID == globalID {
			return l
		}
	}
	return nil
}

func (s *Server) linkSelf(is *issue, l *remoteLink) string {
	return fmt.Sprintf("%s/remotelink/%d", s.issueSelf(is), l.id)
}

func (s *Server) linkJSON(is *issue, l *remoteLink) map[string]any {
	m := map[string]any{}
	for k, v := range l.body {
		m[k] = v
	}
	m["id"] = l.id
	m["self"] = s.linkSelf(is, l)
	return m
}

// listRemoteLinks is GET /rest/api/2/issue/{key}/remotelink: all links, or
// with ?globalId= the one link (404 when there is none). 404.
func (s *Server) listRemoteLinks(w http.ResponseWriter, r *http.Request, _ string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	if g := r.URL.Query().Get("globalId"); g != "" {
		l := findLink(is, g)
		if l == nil {
			writeMessage(w, http.StatusNotFound, fmt.Sprintf("No remote link with globalId '%s'.", g))
			return
		}
		writeJSON(w, http.StatusOK, s.linkJSON(is, l))
		return
	}
	out := []any{}
	for _, l := range is.links {
		out = append(out, s.linkJSON(is, l))
	}
	writeJSON(w, http.StatusOK, out)
}
