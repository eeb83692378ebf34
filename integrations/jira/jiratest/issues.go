package jiratest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// findIssue looks an issue up by id or key, the key case-insensitively as
// Jira does. Called with s.mu held.
func (s *Server) findIssue(idOrKey string) *issue {
	if is, ok := s.byID[idOrKey]; ok {
		return is
	}
	return s.byKey[strings.ToUpper(idOrKey)]
}

// getIssue is GET /rest/api/2/issue/{key}; 404 with Jira's body when the
// issue does not exist.
func (s *Server) getIssue(w http.ResponseWriter, r *http.Request, _ string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	q := r.URL.Query()
	writeJSON(w, http.StatusOK, s.issueJSON(is, q.Get("fields"), "*all", q.Get("expand")))
}

// editIssue is PUT /rest/api/2/issue/{key}: "fields" sets summary,
// description, priority, labels, assignee and custom fields; "update"
// supports labels add/remove/set. 204; 400 with the errors map; 404.
func (s *Server) editIssue(w http.ResponseWriter, r *http.Request, user string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	var body struct {
		Fields map[string]json.RawMessage              `json:"fields"`
		Update map[string][]map[string]json.RawMessage `json:"update"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	if !s.allowWrite(w, is) {
		return
	}
	errs := map[string]string{}
	n := newIssue{
		summary: is.summary, description: is.description, environment: is.environment,
		priority: is.priority, labels: append([]string{}, is.labels...),
		reporter: is.reporter, assignee: is.assignee, custom: map[string]json.RawMessage{},
	}
	for k, v := range body.Fields {
		switch {
		case k == "summary":
			if json.Unmarshal(v, &n.summary) != nil || strings.TrimSpace(n.summary) == "" {
				errs[k] = msgSummary
			}
		case customField.MatchString(k):
			n.custom[k] = v
		case k == "project" || k == "issuetype" || !settable[k]:
			errs[k] = "Field '" + k + "' cannot be set. It is not on the appropriate screen, or unknown."
		}
	}
	s.parseCommon(body.Fields, &n, errs)
	for k, ops := range body.Update {
		if k != "labels" {
			errs[k] = "Field '" + k + "' cannot be set. It is not on the appropriate screen, or unknown."
			continue
		}
		for _, op := range ops {
			applyLabelOp(&n.labels, op, errs)
		}
	}
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, nil, errs)
		return
	}
	s.applyEdit(is, n, user)
	w.WriteHeader(http.StatusNoContent)
}

func applyLabelOp(labels *[]string, op map[string]json.RawMessage, errs map[string]string) {
	for verb, raw := range op {
		var one string
		var many []string
		switch verb {
		case "add":
			if json.Unmarshal(raw, &one) != nil || checkLabel(one) != "" {
				errs["labels"] = "Invalid label."
			} else if !slices.Contains(*labels, one) {
				*labels = append(*labels, one)
			}
		case "remove":
			if json.Unmarshal(raw, &one) == nil {
				*labels = slices.DeleteFunc(*labels, func(l string) bool { return l == one })
			}
		case "set":
			if json.Unmarshal(raw, &many) != nil {
				errs["labels"] = "Invalid labels."
			} else {
				*labels = many
			}
		default:
			errs["labels"] = "Unsupported operation '" + verb + "'."
		}
	}
}

// applyEdit writes n into is and records what changed in the changelog and
// as a jira:issue_updated event. Called with s.mu held.
func (s *Server) applyEdit(is *issue, n newIssue, user string) {
	var items []changeItem
	change := func(field, from, to string) {
		if from != to {
			items = append(items, changeItem{field: field, fieldType: "jira", fromString: optp(from), toString: optp(to)})
		}
	}
	change("summary", is.summary, n.summary)
	change("description", is.description, n.description)
	change("environment", is.environment, n.environment)
	change("priority", is.priority, n.priority)
	change("labels", strings.Join(is.labels, " "), strings.Join(n.labels, " "))
	change("assignee", is.assignee, n.assignee)
	is.summary, is.description, is.environment = n.summary, n.description, n.environment
	is.priority, is.labels, is.assignee = n.priority, n.labels, n.assignee
	for k, v := range n.custom {
		if string(is.custom[k]) != string(v) {
			items = append(items, changeItem{field: k, fieldType: "custom", toString: optp(string(v))})
		}
		is.custom[k] = v
	}
	if len(items) == 0 {
		return
	}
	is.updated = s.now()
	s.emitIssueEvent("jira:issue_updated", "issue_updated", user, is, s.addHistory(is, user, items), nil)
}

// addHistory appends a changelog entry. Called with s.mu held.
func (s *Server) addHistory(is *issue, user string, items []changeItem) *changeGroup {
	h := &changeGroup{id: s.next("changegroup", 10100), author: user, created: s.now(), items: items}
	is.history = append(is.history, h)
	return h
}
