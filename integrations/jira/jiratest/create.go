package jiratest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// newIssue is a validated create request.
type newIssue struct {
	project                           *project
	summary, description, environment string
	issueType, priority               string
	labels                            []string
	reporter, assignee                string
	custom                            map[string]json.RawMessage
}

var customField = regexp.MustCompile(`^customfield_[0-9]+$`)

// settable are the system fields on the fake's create and edit screens.
var settable = map[string]bool{
	"project": true, "issuetype": true, "summary": true, "description": true,
	"environment": true, "priority": true, "labels": true, "assignee": true,
	"reporter": true, "duedate": true,
}

// ref is how Jira names an object in a request: {"id"}, {"key"} or {"name"}.
type ref struct {
	ID        string `json:"id"`
	Key       string `json:"key"`
	Name      string `json:"name"`
	AccountID string `json:"accountId"` // Cloud only; refused here
}

func (r ref) any() string {
	for _, v := range []string{r.ID, r.Key, r.Name} {
		if v != "" {
			return v
		}
	}
	return ""
}

// parseCreate validates the fields of POST /issue the way Jira does: every
// problem is reported at once in the errors map, keyed by field id.
func (s *Server) parseCreate(fields map[string]json.RawMessage, reporter string) (newIssue, map[string]string) {
	errs := map[string]string{}
	n := newIssue{reporter: reporter, custom: map[string]json.RawMessage{}}

	// Data Center says "project is required" for a project it does not
	// know (or the user cannot see) as well as for a missing one, and
	// takes a project by id or key only.
	var p ref
	if raw, ok := fields["project"]; ok && json.Unmarshal(raw, &p) == nil {
		n.project = s.findProject(firstNonEmpty(p.ID, p.Key), false)
	}
	if n.project == nil {
		errs["project"] = msgProject
	}
	var it ref
	if raw, ok := fields["issuetype"]; !ok || json.Unmarshal(raw, &it) != nil {
		errs["issuetype"] = msgIssueType
	} else if name, ok := lookup(s.issueTypes, firstIssueType, it.any()); !ok || (n.project != nil && !slices.Contains(n.project.IssueTypes, name)) {
		// A type of another project's scheme is as invalid here as an
		// unknown one.
		errs["issuetype"] = msgIssueType
	} else {
		n.issueType = name
	}
	if json.Unmarshal(fields["summary"], &n.summary) != nil || strings.TrimSpace(n.summary) == "" {
		errs["summary"] = msgSummary
	} else if len(n.summary) > 255 {
		errs["summary"] = "Summary must be less than 255 characters."
	}
	for k, v := range fields {
		if settable[k] {
			continue
		}
		if customField.MatchString(k) {
			n.custom[k] = v
			continue
		}
		errs[k] = fmt.Sprintf(msgNotOnScreen, k)
	}
	n.priority = s.opts.DefaultPriority
	s.parseCommon(fields, &n, errs)
	return n, errs
}

// parseCommon reads the fields create and edit share into n.
func (s *Server) parseCommon(fields map[string]json.RawMessage, n *newIssue, errs map[string]string) {
	for _, name := range []string{"description", "environment"} {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var v *string
		if json.Unmarshal(raw, &v) != nil {
			// An ADF document or anything else but a string: API v2 takes
			// wiki markup only.
			errs[name] = "Operation value must be a string"
			continue
		}
		if v != nil && name == "description" {
			n.description = *v
		} else if v != nil {
			n.environment = *v
		}
	}
	if raw, ok := fields["priority"]; ok {
		var p ref
		if json.Unmarshal(raw, &p) != nil {
			errs["priority"] = msgPriority
		} else if name, ok := lookup(s.opts.Priorities, firstPriority, p.any()); !ok {
			errs["priority"] = msgPriority
		} else {
			n.priority = name
		}
	}
	if raw, ok := fields["labels"]; ok {
		if json.Unmarshal(raw, &n.labels) != nil {
			errs["labels"] = "Labels must be a list of strings."
		}
		for _, l := range n.labels {
			if msg := checkLabel(l); msg != "" {
				errs["labels"] = msg
			}
		}
	}
	for _, name := range []string{"assignee", "reporter"} {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		var u *ref
		if json.Unmarshal(raw, &u) != nil {
			errs[name] = "Specify a user name."
			continue
		}
		switch {
		case u == nil && name == "assignee":
			n.assignee = ""
		case u == nil:
			errs[name] = "Reporter is required."
		case u.Name == "" && u.Key == "" && u.AccountID != "":
			// Cloud's {"accountId"} means nothing to Data Center.
			errs[name] = fmt.Sprintf("User with accountId '%s' does not exist: specify the user by name.", u.AccountID)
		case u.Name == "" && u.Key == "":
			errs[name] = "Specify a user name."
		case name == "assignee":
			n.assignee = firstNonEmpty(u.Name, u.Key)
		default:
			n.reporter = firstNonEmpty(u.Name, u.Key)
		}
	}
}

// checkLabel is Jira's rule for labels: no spaces, at most 255 characters.
func checkLabel(l string) string {
	switch {
	case l == "":
		return "Labels can not be empty."
	case strings.ContainsAny(l, " \t\n"):
		return fmt.Sprintf("The label '%s' contains spaces which is invalid.", l)
	case len(l) > 255:
		return fmt.Sprintf("The label '%s' exceeds the maximum length for a single label of 255 characters.", l)
	}
	return ""
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// insertIssue stores a validated issue in the workflow's first status and
// records the issue_created event. Called with s.mu held.
func (s *Server) insertIssue(n newIssue, user string) *issue {
	now := s.now()
	id := s.next("issue", 10001)
	n.project.last++
	is := &issue{
		id:          id,
		key:         fmt.Sprintf("%s-%d", n.project.Key, n.project.last),
		project:     n.project,
		summary:     n.summary,
		description: n.description,
		environment: n.environment,
		issueType:   n.issueType,
		priority:    n.priority,
		labels:      append([]string{}, n.labels...),
		status:      s.opts.Statuses[0].Name,
		reporter:    firstNonEmpty(n.reporter, user),
		creator:     user,
		assignee:    n.assignee,
		created:     now,
		updated:     now,
		custom:      n.custom,
	}
	s.issues = append(s.issues, is)
	s.byKey[is.key] = is
	s.byID[is.id] = is
	s.emitIssueEvent("jira:issue_created", "issue_created", user, is, nil, nil)
	return is
}

// createIssue is POST /rest/api/2/issue: 201 {id,key,self}; 400 with the
// errors map when a field is missing or wrong.
func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, user string) {
	var body struct {
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeMessage(w, http.StatusBadRequest, "Can not deserialize the request body: "+err.Error())
		return
	}
	if body.Fields == nil {
		writeMessage(w, http.StatusBadRequest, "Issue must have fields.")
		return
	}
	n, errs := s.parseCreate(body.Fields, user)
	if len(errs) > 0 {
		writeError(w, http.StatusBadRequest, nil, errs)
		return
	}
	is := s.insertIssue(n, user)
	writeJSON(w, http.StatusCreated, map[string]string{"id": is.id, "key": is.key, "self": s.issueSelf(is)})
}
