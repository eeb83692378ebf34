package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/warroom/warroom/incident"
)

// readBody reads at most limit bytes; a longer body is a KindInvalid error
// that says the limit.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, incident.Errorf(incident.KindInvalid, "read request body: %v", err)
	}
	if int64(len(body)) > limit {
		return nil, incident.Errorf(incident.KindInvalid, "request body is larger than the limit of %d bytes", limit)
	}
	return body, nil
}

// decodeJSON reads a JSON object strictly: unknown fields and trailing data
// are errors that name the problem.
func decodeJSON(r *http.Request, limit int64, v any) error {
	body, err := readBody(r, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return incident.Errorf(incident.KindInvalid, "request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return incident.Errorf(incident.KindInvalid, "request body: %s", incident.JSONProblem(err))
	}
	// Only white space may follow. (dec.More says false before a stray
	// "}" or "]", so it let `{...}}` through.)
	if _, err := dec.Token(); err != io.EOF {
		return incident.Errorf(incident.KindInvalid, "request body: unexpected data after the JSON object")
	}
	return nil
}
