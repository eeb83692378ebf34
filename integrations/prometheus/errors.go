package prometheus

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/httpclass"
)

// decodeRange turns Prometheus's answer to a range query into series, or
// into an error of the kind that tells the caller what to do about it.
func decodeRange(query string, status int, h http.Header, body []byte) ([]Series, error) {
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
		why = jsonErr.Error() + " in " + httpclass.Snippet(body)
	} else if jsonErr != nil || r.Status != "error" || why == "" {
		why = http.StatusText(status) + ": " + httpclass.Snippet(body)
	} else if r.ErrorType != "" {
		why = r.ErrorType + ": " + why
	}
	if status == http.StatusOK {
		return nil, incident.Errorf(incident.KindPermanent,
			"prometheus's answer to %q is not a query API answer: %s", query, why)
	}
	return nil, system.Answer(fmt.Sprintf("range query %q", query), status, h, errors.New(why))
}

// system is Prometheus as the shared classifier knows it: a query it
// rejects (400, 422) is the user's to fix, not an outage.
var system = httpclass.System{Name: "Prometheus", Otherwise: "is the base URL right?",
	Kinds: map[int]incident.Kind{http.StatusBadRequest: incident.KindInvalid, http.StatusUnprocessableEntity: incident.KindInvalid},
	Hints: map[int]string{
		http.StatusBadRequest:          "fix the query",
		http.StatusUnprocessableEntity: "fix the query",
		http.StatusUnauthorized:        "check the credentials warroom sends",
		http.StatusForbidden:           "check the credentials warroom sends",
	}}
