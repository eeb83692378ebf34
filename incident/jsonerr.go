package incident

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JSONProblem says in a person's words what is wrong with a JSON body, for
// the error a webhook or API caller gets back.
func JSONProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("the body is a JSON %s, want %s", typ.Value, typ.Type)
		}
		return fmt.Sprintf("field %q is a JSON %s, want %s", typ.Field, typ.Value, typ.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "JSON ends too early (truncated body?)"
	}
	return err.Error()
}
