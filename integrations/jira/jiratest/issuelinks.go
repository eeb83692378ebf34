package jiratest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// LinkType is an issue link type: Name is what a request names it by,
// Inward and Outward what each end reads ("is blocked by", "blocks").
type LinkType struct {
	ID      string
	Name    string
	Inward  string
	Outward string
}

// DefaultLinkTypes are Jira's four standard link types, the fake's when
// Options.LinkTypes is empty.
func DefaultLinkTypes() []LinkType {
	return []LinkType{
		{ID: "10000", Name: "Blocks", Inward: "is blocked by", Outward: "blocks"},
		{ID: "10001", Name: "Cloners", Inward: "is cloned by", Outward: "clones"},
		{ID: "10002", Name: "Duplicate", Inward: "is duplicated by", Outward: "duplicates"},
		{ID: "10003", Name: "Relates", Inward: "relates to", Outward: "relates to"},
	}
}

// issueLink is a link between two issues. As in Jira's POST /issueLink,
// the request's inwardIssue reads the outward text of the type ("A blocks
// B" for inwardIssue A, outwardIssue B), so on A the link shows B as its
// outwardIssue and on B it shows A as its inwardIssue.
type issueLink struct {
	id      string
	typ     LinkType
	inward  *issue // the request's inwardIssue
	outward *issue // the request's outwardIssue
}

// IssueLinkView is an issue link as one of its ends sees it: Direction is
// "outward" when this issue reads the type's outward text about Issue
// ("OPS-2 relates to OPS-1"), "inward" otherwise.
type IssueLinkView struct {
	ID        string
	Type      string // the link type's name
	Direction string
	Issue     string // the other end's key
}

func (s *Server) linkType(r ref) (LinkType, bool) {
	for _, lt := range s.opts.LinkTypes {
		if (r.ID != "" && r.ID == lt.ID) || (r.Name != "" && strings.EqualFold(r.Name, lt.Name)) {
			return lt, true
		}
	}
	return LinkType{}, false
}

func (s *Server) linkTypeJSON(lt LinkType) map[string]any {
	return map[string]any{"id": lt.ID, "name": lt.Name, "inward": lt.Inward, "outward": lt.Outward,
		"self": s.base + "/rest/api/2/issueLinkType/" + lt.ID}
}

// listLinkTypes is GET /rest/api/2/issueLinkType.
func (s *Server) listLinkTypes(w http.ResponseWriter, _ *http.Request, _ string) {
	types := make([]any, 0, len(s.opts.LinkTypes))
	for _, lt := range s.opts.LinkTypes {
		types = append(types, s.linkTypeJSON(lt))
	}
	writeJSON(w, http.StatusOK, map[string]any{"issueLinkTypes": types})
}

// addIssueLink is POST /rest/api/2/issueLink: 201 with an empty body; 404
// for an unknown link type or issue; 400 without both issues. Jira makes a
// second link of the same type between the same issues too; the caller
// checks the issue's issuelinks first to stay idempotent. It fires
// issuelink_created.
func (s *Server) addIssueLink(w http.ResponseWriter, r *http.Request, user string) {
	var body struct {
		Type         ref  `json:"type"`
		InwardIssue  *ref `json:"inwardIssue"`
		OutwardIssue *ref `json:"outwardIssue"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	if body.InwardIssue == nil || body.OutwardIssue == nil {
		writeError(w, http.StatusBadRequest, nil, map[string]string{"issueLinks": "Both the inward and the outward issue are required."})
		return
	}
	lt, ok := s.linkType(body.Type)
	if !ok {
		writeMessage(w, http.StatusNotFound, "No issue link type with name '"+body.Type.any()+"' found.")
		return
	}
	in, out := s.findIssue(body.InwardIssue.any()), s.findIssue(body.OutwardIssue.any())
	if in == nil || out == nil {
		writeMessage(w, http.StatusNotFound, "Issue Does Not Exist")
		return
	}
	if !s.allowWrite(w, in) {
		return
	}
	l := &issueLink{id: s.next("issuelink", 10100), typ: lt, inward: in, outward: out}
	s.issueLinks = append(s.issueLinks, l)
	in.updated, out.updated = s.now(), s.now()
	s.emit("issuelink_created", "", in, map[string]any{
		"timestamp":    s.now().UnixMilli(),
		"webhookEvent": "issuelink_created",
		"issueLink": map[string]any{"id": l.id, "sourceIssueId": in.id, "destinationIssueId": out.id,
			"issueLinkType": map[string]any{"id": lt.ID, "name": lt.Name, "outwardName": lt.Outward, "inwardName": lt.Inward}},
	})
	w.WriteHeader(http.StatusCreated)
}

// linksJSON is the issuelinks field of is. Called with s.mu held.
func (s *Server) linksJSON(is *issue) []any {
	out := []any{}
	for _, l := range s.issueLinks {
		var side string
		var other *issue
		switch is {
		case l.inward:
			side, other = "outwardIssue", l.outward
		case l.outward:
			side, other = "inwardIssue", l.inward
		default:
			continue
		}
		out = append(out, map[string]any{
			"id": l.id, "self": s.base + "/rest/api/2/issueLink/" + l.id, "type": s.linkTypeJSON(l.typ),
			side: map[string]any{"id": other.id, "key": other.key, "self": s.issueSelf(other),
				"fields": map[string]any{"summary": other.summary, "status": s.statusJSON(other.status),
					"priority": s.priorityJSON(other.priority), "issuetype": s.issueTypeJSON(other.issueType)}},
		})
	}
	return out
}

// linkViews are is's links for an IssueView. Called with s.mu held.
func (s *Server) linkViews(is *issue) []IssueLinkView {
	var out []IssueLinkView
	for _, l := range s.issueLinks {
		switch is {
		case l.inward:
			out = append(out, IssueLinkView{ID: l.id, Type: l.typ.Name, Direction: "outward", Issue: l.outward.key})
		case l.outward:
			out = append(out, IssueLinkView{ID: l.id, Type: l.typ.Name, Direction: "inward", Issue: l.inward.key})
		}
	}
	return out
}
