package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

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
		return incident.Errorf(incident.KindInvalid, "request body: %s", describeJSONError(err))
	}
	if dec.More() {
		return incident.Errorf(incident.KindInvalid, "request body: unexpected data after the JSON object")
	}
	return nil
}

func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q is a JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "JSON ends too early"
	}
	var inc *incident.Error
	if errors.As(err, &inc) {
		return inc.Message
	}
	return err.Error()
}
