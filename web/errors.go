package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// statusOf is the one place where an error becomes an HTTP status.
func statusOf(err error) int {
	switch incident.ErrorKind(err) {
	case incident.KindInvalid:
		return http.StatusBadRequest
	case incident.KindNotFound:
		return http.StatusNotFound
	case incident.KindConflict:
		return http.StatusConflict
	case incident.KindUnprocessable:
		return http.StatusUnprocessableEntity
	case incident.KindUnauthorized:
		return http.StatusUnauthorized
	case incident.KindForbidden:
		return http.StatusForbidden
	case incident.KindTooMany:
		return http.StatusTooManyRequests
	case incident.KindTransient:
		return http.StatusServiceUnavailable
	case incident.KindPermanent:
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON every API error answers with.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Kind    incident.Kind `json:"kind"`
	Message string        `json:"message"`
}

// writeError answers err as JSON with its mapped status, and logs what the
// user does not see.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := statusOf(err)
	if code >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		s.log.Info("request refused", "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	}
	if wantsHTML(r) {
		s.uiError(w, r, err)
		return
	}
	kind := incident.ErrorKind(err)
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="warroom"`)
	}
	writeJSON(w, code, errorBody{Error: errorDetail{Kind: kind, Message: incident.ErrorMessage(err)}})
}

// wantsHTML: a browser asks for a page (Accept: text/html), not the API or
// a hook: it gets the error as a page, everyone else as JSON.
func wantsHTML(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/hooks/") || p == "/metrics" || p == "/healthz" || p == "/readyz" {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		slog.Default().Debug("write response", "err", err)
	}
}
