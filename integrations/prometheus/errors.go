package prometheus

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// decodeRange turns Prometheus's answer to a range query into series, or
// into an error of the kind that tells the caller what to do about it.
func decodeRange(query string, status int, body []byte) ([]Series, error) {
	var r wireResponse
	jsonErr := json.Unmarshal(body, &r)
	if status == http.StatusOK && jsonErr == nil && r.Status == "success" {
		if r.Data.ResultType != "matrix" {
			return nil, incident.Errorf(incident.KindPermanent,
				"prometheus answered the range query %q with a %q result, want a matrix", query, r.Data.ResultType)
		}
		return r.Data.series(), nil
	}
	// Prometheus's own explanation when there is one, else the start of the body
	// (a proxy's error page, say).
	why := r.Error
	if status == http.StatusOK && jsonErr != nil {
		why = jsonErr.Error() + " in " + snippet(body)
	} else if jsonErr != nil || r.Status != "error" || why == "" {
		why = "HTTP " + http.StatusText(status) + ": " + snippet(body)
	} else if r.ErrorType != "" {
		why = r.ErrorType + ": " + why
	}
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return nil, incident.Errorf(incident.KindInvalid, "prometheus rejected the query %q (%d): %s", query, status, why)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, incident.Errorf(incident.KindPermanent,
			"prometheus refused access (%d): check the credentials warroom sends: %s", status, why)
	case status == http.StatusTooManyRequests || status >= 500:
		return nil, incident.Errorf(incident.KindTransient, "prometheus failed the query %q (%d), try again: %s", query, status, why)
	case status == http.StatusOK:
		return nil, incident.Errorf(incident.KindPermanent,
			"prometheus's answer to %q is not a query API answer: %s", query, why)
	default:
		return nil, incident.Errorf(incident.KindPermanent,
			"prometheus answered %d to the query %q (is the base URL right?): %s", status, query, why)
	}
}

// snippet shortens a body for an error message.
func snippet(b []byte) string {
	const n = 200
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
