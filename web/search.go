package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// The full-text search: GET /api/v1/search (JSON) and GET /search (the
// page). Both read the same parameters (parseSearch) and ask the store's
// index (Deps.Search).

// searchParams are the parameters a search reads; any other is refused,
// so that a misspelt filter does not silently widen the search.
var searchParams = map[string]bool{"q": true, "status": true, "severity": true, "source": true, "label": true,
	"commander": true, "from": true, "to": true, "limit": true, "offset": true}

// parseSearch reads a search from the URL: q (words, "phrases", prefix*),
// status and severity (comma-separated or repeated), source, label
// (name=value, repeated: each must match), commander, from and to (a date
// 2006-01-02 or an RFC 3339 time; to is exclusive, a date meaning up to
// the end of that day), limit and offset.
func parseSearch(r *http.Request) (string, incident.SearchQuery, error) {
	v := r.URL.Query()
	var q incident.SearchQuery
	for name := range v {
		if !searchParams[name] {
			return "", q, incident.Errorf(incident.KindInvalid, "unknown search parameter %q; use q, status, severity, source, label, commander, from, to, limit or offset", name)
		}
	}
	text := v.Get("q")
	terms, err := incident.ParseSearch(text)
	if err != nil {
		return text, q, err
	}
	q.Terms = terms
	for _, s := range splitValues(v["status"]) {
		st, err := incident.ParseStatus(s)
		if err != nil {
			return text, q, err
		}
		q.Status = append(q.Status, st)
	}
	for _, s := range splitValues(v["severity"]) {
		sev, err := incident.ParseSeverity(s)
		if err != nil {
			return text, q, err
		}
		q.Severity = append(q.Severity, sev)
	}
	q.Source, q.Commander = strings.TrimSpace(v.Get("source")), strings.TrimPrefix(strings.TrimSpace(v.Get("commander")), "@")
	for _, l := range v["label"] {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		name, value, ok := strings.Cut(l, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return text, q, incident.Errorf(incident.KindInvalid, "label=%q is not name=value, as in label=service=checkout", l)
		}
		if q.Labels == nil {
			q.Labels = map[string]string{}
		}
		q.Labels[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	if q.From, err = searchTime("from", v.Get("from"), false); err != nil {
		return text, q, err
	}
	if q.To, err = searchTime("to", v.Get("to"), true); err != nil {
		return text, q, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return text, q, incident.Errorf(incident.KindInvalid, "from=%s is not before to=%s: the range is empty", v.Get("from"), v.Get("to"))
	}
	for name, dst := range map[string]*int{"limit": &q.Limit, "offset": &q.Offset} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || (name == "limit" && n > 100) {
				return text, q, incident.Errorf(incident.KindInvalid, "%s=%q is not a number from 0 to %s", name, s, map[string]string{"limit": "100", "offset": "any"}[name])
			}
			*dst = n
		}
	}
	return text, q, nil
}

func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// searchTime reads a date or an RFC 3339 time; a date given as the end of
// a range means the end of that day.
func searchTime(name, s string, end bool) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse("2006-01-02", s); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, incident.Errorf(incident.KindInvalid, "%s=%q is neither a date such as 2026-12-03 nor a time such as 2026-12-03T14:00:00Z", name, s)
	}
	return t.UTC(), nil
}

// searchHit is one hit as the API answers it.
type searchHit struct {
	Incident *incident.Incident     `json:"incident"`
	Field    incident.SearchField   `json:"field"`
	Ref      string                 `json:"ref,omitempty"`
	Snippet  []incident.SnippetPart `json:"snippet"`
	Score    float64                `json:"score"`
	Link     string                 `json:"link"`
}

// hitLink is where a hit's place is on the incident page: the message in
// the transcript (#m-ID), the event on the timeline (#ev-ID), the summary
// or the labels; a title is the page itself.
func hitLink(h incident.SearchHit) string {
	p := "/incidents/" + h.Incident.Key
	switch h.Field {
	case incident.FieldTranscript:
		return p + "#m-" + url.PathEscape(h.Ref)
	case incident.FieldTimeline:
		return p + "#ev-" + url.PathEscape(h.Ref)
	case incident.FieldSummary, incident.FieldLabels:
		return p + "#" + string(h.Field)
	}
	return p
}

// runSearch parses and runs the request's search.
func (s *Server) runSearch(r *http.Request) (string, incident.SearchQuery, []searchHit, error) {
	text, q, err := parseSearch(r)
	if err != nil {
		return text, q, nil, err
	}
	if s.Search == nil {
		return text, q, nil, incident.Errorf(incident.KindNotFound, "search is not available on this store")
	}
	found, err := s.Search.Search(r.Context(), q)
	if err != nil {
		return text, q, nil, err
	}
	hits := make([]searchHit, 0, len(found))
	for _, h := range found {
		if h.Incident == nil {
			continue
		}
		hits = append(hits, searchHit{Incident: h.Incident, Field: h.Field, Ref: h.Ref, Snippet: h.Snippet, Score: h.Score,
			Link: strings.TrimSuffix(s.cfg.PublicURL, "/") + hitLink(h)})
	}
	return text, q, hits, nil
}

// searchAPI answers GET /api/v1/search: {"query", "hits", "limit", "offset"}.
func (s *Server) searchAPI(w http.ResponseWriter, r *http.Request) {
	text, q, hits, err := s.runSearch(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	limit, offset := incident.SearchPage(q)
	writeJSON(w, http.StatusOK, map[string]any{"query": text, "hits": hits, "limit": limit, "offset": offset})
}
