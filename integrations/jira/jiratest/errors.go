package jiratest

import (
	"encoding/json"
	"net/http"
)

// Messages of Jira's error bodies that callers may match on.
const (
	msgIssueNotFound  = "Issue does not exist or you do not have permission to see it."
	msgNotLoggedIn    = "You are not authenticated. Authentication is required to perform this operation."
	msgXSRF           = "XSRF check failed"
	msgSummary        = "You must specify a summary of the issue."
	msgIssueType      = "The issue type selected is invalid."
	msgPriority       = "The priority selected is invalid."
	msgProject        = "project is required"
	msgEmptyComment   = "Comment body can not be empty!"
	msgNotOnScreen    = "Field '%s' cannot be set. It is not on the appropriate screen, or unknown."
	msgBadTransition  = "Transition id '%s' is not valid for this issue (%s) in its current status (%s)."
	msgNoTransitionID = "Transition id is required."
)

// errorBody is Jira's standard error body. Both members are always present,
// empty when unused, as Jira sends them.
type errorBody struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

// writeError answers with Jira's JSON error body.
func writeError(w http.ResponseWriter, status int, messages []string, fields map[string]string) {
	if messages == nil {
		messages = []string{}
	}
	if fields == nil {
		fields = map[string]string{}
	}
	writeJSON(w, status, errorBody{ErrorMessages: messages, Errors: fields})
}

// writeMessage answers with one global error message.
func writeMessage(w http.ResponseWriter, status int, message string) {
	writeError(w, status, []string{message}, nil)
}

func writeIssueNotFound(w http.ResponseWriter) {
	writeMessage(w, http.StatusNotFound, msgIssueNotFound)
}

// writeJSON answers with v as JSON, with Jira's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeText answers with a body that is not JSON, as proxies, the XSRF
// filter and gateways do.
func writeText(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
