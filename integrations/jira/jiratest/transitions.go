package jiratest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// available lists the transitions open from the issue's current status, in
// workflow order. Called with s.mu held.
func (s *Server) available(is *issue) []Transition {
	var out []Transition
	for _, tr := range s.opts.Transitions {
		if slices.Contains(tr.From, is.status) || (len(tr.From) == 0 && tr.To != is.status) {
			out = append(out, tr)
		}
	}
	return out
}

func (s *Server) transitionsJSON(is *issue, withFields bool, onlyID string) []any {
	out := []any{}
	for _, tr := range s.available(is) {
		if onlyID != "" && tr.ID != onlyID {
			continue
		}
		m := map[string]any{
			"id": tr.ID, "name": tr.Name, "to": s.statusJSON(tr.To),
			"hasScreen": len(tr.Fields) > 0, "isGlobal": len(tr.From) == 0,
			"isInitial": false, "isAvailable": true, "isConditional": false, "isLooped": false,
		}
		if withFields {
			m["fields"] = s.screenJSON(tr)
		}
		out = append(out, m)
	}
	return out
}

// screenJSON describes the fields of a transition's screen, as
// expand=transitions.fields shows them.
func (s *Server) screenJSON(tr Transition) map[string]any {
	fields := map[string]any{}
	for id, required := range tr.Fields {
		f := map[string]any{
			"required": required, "name": id, "key": id, "hasDefaultValue": false,
			"operations": []string{"set"}, "schema": map[string]any{"type": "string", "system": id},
		}
		if id == "resolution" {
			values := []any{}
			for _, r := range s.opts.Resolutions {
				values = append(values, s.resolutionJSON(r))
			}
			f["name"] = "Resolution"
			f["schema"] = map[string]any{"type": "resolution", "system": "resolution"}
			f["allowedValues"] = values
		}
		fields[id] = f
	}
	return fields
}

// getTransitions is GET /rest/api/2/issue/{key}/transitions: only those open
// from the current status; fields with expand=transitions.fields; one with
// transitionId. 404.
func (s *Server) getTransitions(w http.ResponseWriter, r *http.Request, _ string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	q := r.URL.Query()
	withFields := strings.Contains(q.Get("expand"), "transitions.fields")
	writeJSON(w, http.StatusOK, map[string]any{
		"expand":      "transitions",
		"transitions": s.transitionsJSON(is, withFields, q.Get("transitionId")),
	})
}

// transitionRequest is the body of POST …/transitions.
type transitionRequest struct {
	Transition struct {
		ID string `json:"id"`
	} `json:"transition"`
	Fields map[string]json.RawMessage `json:"fields"`
	Update struct {
		Comment []struct {
			Add struct {
				Body string `json:"body"`
			} `json:"add"`
		} `json:"comment"`
	} `json:"update"`
}

// doTransition is POST /rest/api/2/issue/{key}/transitions: 204. 400 with
// errorMessages when the id is missing or not open from the current status;
// 400 with the errors map for a field not on the transition's screen, a
// required one missing, or an unknown resolution. 404.
func (s *Server) doTransition(w http.ResponseWriter, r *http.Request, user string) {
	is := s.findIssue(r.PathValue("key"))
	if is == nil {
		writeIssueNotFound(w)
		return
	}
	var req transitionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	if req.Transition.ID == "" {
		writeMessage(w, http.StatusBadRequest, msgNoTransitionID)
		return
	}
	tr, ok := s.findTransition(is, req.Transition.ID)
	if !ok {
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf(msgBadTransition, req.Transition.ID, is.key, is.status))
		return
	}
	resolution, errs := s.transitionFields(tr, req.Fields)
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, nil, errs)
		return
	}
	if !s.allowWrite(w, is) {
		return
	}
	var comments []string
	for _, c := range req.Update.Comment {
		if strings.TrimSpace(c.Add.Body) != "" {
			comments = append(comments, c.Add.Body)
		}
	}
	s.transition(is, tr, user, resolution, comments)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) findTransition(is *issue, id string) (Transition, bool) {
	for _, tr := range s.available(is) {
		if tr.ID == id {
			return tr, true
		}
	}
	return Transition{}, false
}

// transitionFields checks the fields sent with a transition against its
// screen and returns the resolution chosen, if any.
func (s *Server) transitionFields(tr Transition, fields map[string]json.RawMessage) (string, map[string]string) {
	errs := map[string]string{}
	var resolution string
	for id, raw := range fields {
		if _, ok := tr.Fields[id]; !ok {
			errs[id] = fmt.Sprintf(msgNotOnScreen, id)
			continue
		}
		if id != "resolution" {
			continue
		}
		var res ref
		if json.Unmarshal(raw, &res) != nil {
			errs[id] = "Resolution must be an object with an id or a name."
		} else if name, ok := lookup(s.opts.Resolutions, firstResolution, res.any()); !ok {
			errs[id] = fmt.Sprintf("Could not find resolution '%s'.", res.any())
		} else {
			resolution = name
		}
	}
	for id, required := range tr.Fields {
		if _, ok := fields[id]; required && !ok {
			errs[id] = fmt.Sprintf("%s is required.", id)
		}
	}
	return resolution, errs
}

// transition moves is through tr, sets or clears the resolution as Jira's
// post functions do, adds the comments, and records the changelog entry and
// the jira:issue_updated event. Called with s.mu held.
func (s *Server) transition(is *issue, tr Transition, user, resolution string, comments []string) {
	from, _ := s.status(is.status)
	to, _ := s.status(tr.To)
	now := s.now()
	var items []changeItem
	newRes := is.resolution
	switch {
	case to.Category == CategoryDone && resolution != "":
		newRes = resolution
	case to.Category == CategoryDone && newRes == "":
		newRes = s.opts.Resolutions[0]
	case to.Category != CategoryDone:
		newRes = ""
	}
	if newRes != is.resolution {
		items = append(items, changeItem{
			field: "resolution", fieldType: "jira",
			from: optp(idOf(s.opts.Resolutions, firstResolution, is.resolution)), fromString: optp(is.resolution),
			to: optp(idOf(s.opts.Resolutions, firstResolution, newRes)), toString: optp(newRes),
		})
		is.resolution = newRes
		is.resolved = time.Time{}
		if newRes != "" {
			is.resolved = now
		}
	}
	items = append(items, changeItem{
		field: "status", fieldType: "jira",
		from: strp(from.ID), fromString: strp(from.Name), to: strp(to.ID), toString: strp(to.Name),
	})
	is.status = to.Name
	is.updated = now
	h := s.addHistory(is, user, items)
	var last *comment
	for _, body := range comments {
		last = s.newComment(is, user, body, nil)
	}
	s.emitIssueEvent("jira:issue_updated", tr.EventType, user, is, h, last)
}
