package rctest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// apiError is a failed answer: a status and the JSON envelope. Handlers
// return it; the route wrapper writes it.
type apiError struct {
	status int
	body   map[string]any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %v", e.status, e.body["error"]) }

// meteorError is a thrown Meteor.Error as API.v1.failure renders it: 400,
// "error" is the reason followed by " [code]", "errorType" is the code.
func meteorError(code, reason string, details map[string]any) *apiError {
	msg := "[" + code + "]"
	if reason != "" {
		msg = reason + " " + msg
	}
	body := map[string]any{"success": false, "error": msg, "errorType": code}
	if len(details) > 0 {
		body["details"] = details
	}
	return &apiError{http.StatusBadRequest, body}
}

// failure is API.v1.failure(text): 400 without an errorType.
func failure(text string) *apiError {
	return &apiError{http.StatusBadRequest, map[string]any{"success": false, "error": text}}
}

// failureTyped is API.v1.failure(result, errorType), with the two
// arguments in the order the endpoint passes them.
func failureTyped(result, errorType string) *apiError {
	return &apiError{http.StatusBadRequest, map[string]any{"success": false, "error": result, "errorType": errorType}}
}

// failureEmpty is API.v1.failure() with nothing: {"success":false}.
func failureEmpty() *apiError {
	return &apiError{http.StatusBadRequest, map[string]any{"success": false}}
}

// invalidParams is what a route's parameter validator answers.
func invalidParams(detail string) *apiError {
	return meteorError("invalid-params", detail, nil)
}

// forbidden is API.v1.forbidden()/unauthorized() of a route: 403, whose
// error text changed with the 8.0 breaking-change flag.
func (s *Server) forbidden() *apiError {
	text := "unauthorized"
	if s.atLeast(8, 0, 0) {
		text = "forbidden"
	}
	return &apiError{http.StatusForbidden, map[string]any{"success": false, "error": text}}
}

const msgNotLoggedIn = "You must be logged in to do this."

// notLoggedIn is the 401 of an authenticated route without a valid login.
// Before 8.0 the body also carries Restivus's status/message pair.
func (s *Server) notLoggedIn() *apiError {
	body := map[string]any{"success": false, "error": msgNotLoggedIn}
	if !s.atLeast(8, 0, 0) {
		body["status"] = "error"
		body["message"] = msgNotLoggedIn
	}
	return &apiError{http.StatusUnauthorized, body}
}

func notFound() *apiError {
	return &apiError{http.StatusNotFound, map[string]any{"success": false, "error": "Resource not found"}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeSuccess adds "success": true, as API.v1.success does.
func writeSuccess(w http.ResponseWriter, body map[string]any) {
	if body == nil {
		body = map[string]any{}
	}
	body["success"] = true
	writeJSON(w, http.StatusOK, body)
}

// errWritten tells the route wrapper that the handler answered itself,
// in a shape other than the success envelope.
var errWritten = errors.New("answer already written")

func writeError(w http.ResponseWriter, err error) {
	if err == errWritten {
		return
	}
	if e, ok := err.(*apiError); ok {
		writeJSON(w, e.status, e.body)
		return
	}
	writeJSON(w, http.StatusInternalServerError, map[string]any{"success": false, "error": "Internal server error"})
}
