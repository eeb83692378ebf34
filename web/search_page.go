package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/warroom/warroom/incident"
)

// searchPage renders GET /search: the form, and the hits with their
// snippets, each linking to its place on the incident page. A query the
// index cannot answer is shown on the page with the form kept, answered
// 400.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	data := map[string]any{"Query": v.Get("q"), "Status": v.Get("status"), "Severity": v.Get("severity"),
		"Source": v.Get("source"), "Label": strings.Join(v["label"], " "), "Commander": v.Get("commander"),
		"From": v.Get("from"), "To": v.Get("to"), "Severities": incident.SeverityNames(), "Statuses": []incident.Status{incident.StatusOpen, incident.StatusAcked,
			incident.StatusResolved, incident.StatusClosed, incident.StatusArchived}}
	if strings.TrimSpace(v.Get("q")) == "" {
		if st := v.Get("status"); st != "" { // the incident list's form, with no words: list by status
			http.Redirect(w, r, "/incidents?status="+url.QueryEscape(st), http.StatusSeeOther)
			return
		}
		s.render(w, r, "search", "Search", data)
		return
	}
	// The form sends every field; the empty ones filter nothing.
	r2 := r.Clone(r.Context())
	q := r2.URL.Query()
	for name, vals := range q {
		if len(strings.Join(vals, "")) == 0 {
			q.Del(name)
		}
	}
	// The form's one label box may hold several name=value pairs.
	var labels []string
	for _, l := range q["label"] {
		labels = append(labels, strings.Fields(l)...)
	}
	if len(labels) > 0 {
		q["label"] = labels
	}
	r2.URL.RawQuery = q.Encode()
	_, _, hits, err := s.runSearch(r2)
	if err != nil {
		if incident.ErrorKind(err) != incident.KindInvalid {
			s.uiError(w, r, err)
			return
		}
		data["Problem"] = incident.ErrorMessage(err)
		s.renderStatus(w, r, http.StatusBadRequest, "search", "Search", data)
		return
	}
	view := make([]map[string]any, len(hits))
	for i, h := range hits {
		view[i] = map[string]any{"Incident": h.Incident, "Field": h.Field, "Snippet": h.Snippet,
			"Path": hitLink(incident.SearchHit{Incident: h.Incident, Field: h.Field, Ref: h.Ref})}
	}
	data["Hits"] = view
	s.render(w, r, "search", "Search: "+v.Get("q"), data)
}
