package jiratest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// searchGet is GET /rest/api/2/search?jql=&startAt=&maxResults=&fields=
// &expand=, the Data Center search with offset paging: maxResults defaults
// to 50 and is capped at Options.MaxSearchResults, and the answer echoes
// the capped value. Fields default to *navigable (no comments or
// attachments). 400 with errorMessages for JQL the fake cannot parse or
// that names an unknown field or value.
func (s *Server) searchGet(w http.ResponseWriter, r *http.Request, user string) {
	q := r.URL.Query()
	start, err1 := intParam(q.Get("startAt"), 0)
	limit, err2 := intParam(q.Get("maxResults"), 50)
	if err1 != nil || err2 != nil {
		writeMessage(w, http.StatusBadRequest, "startAt and maxResults must be numbers.")
		return
	}
	s.search(w, user, q.Get("jql"), start, limit, q.Get("fields"), q.Get("expand"))
}

// searchPost is POST /rest/api/2/search with the same parameters in a JSON
// body: {"jql","startAt","maxResults","fields":[…],"expand":[…]}.
func (s *Server) searchPost(w http.ResponseWriter, r *http.Request, user string) {
	var body struct {
		JQL        string          `json:"jql"`
		StartAt    int             `json:"startAt"`
		MaxResults *int            `json:"maxResults"`
		Fields     []string        `json:"fields"`
		Expand     json.RawMessage `json:"expand"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	limit := 50
	if body.MaxResults != nil {
		limit = *body.MaxResults
	}
	var expand []string
	if json.Unmarshal(body.Expand, &expand) != nil {
		var one string
		_ = json.Unmarshal(body.Expand, &one)
		expand = []string{one}
	}
	s.search(w, user, body.JQL, body.StartAt, limit, strings.Join(body.Fields, ","), strings.Join(expand, ","))
}

func (s *Server) search(w http.ResponseWriter, user, jql string, start, limit int, fields, expand string) {
	query, err := parseJQL(jql)
	if err == nil {
		query.where, err = s.resolve(query.where, user)
	}
	var hits []*issue
	if err == nil {
		for _, is := range s.issues {
			if s.match(query.where, is) {
				hits = append(hits, is)
			}
		}
		err = s.sortIssues(hits, query.order)
	}
	if err != nil {
		writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	start = max0(start)
	if limit < 0 {
		limit = 50
	}
	limit = min(limit, s.opts.MaxSearchResults)
	page := []any{}
	for i := start; i < len(hits) && len(page) < limit; i++ {
		page = append(page, s.issueJSON(hits[i], fields, "*navigable", expand))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"expand":     "schema,names",
		"startAt":    start,
		"maxResults": limit,
		"total":      len(hits),
		"issues":     page,
	})
}
