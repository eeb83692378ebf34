package rctest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rawField is one top-level member of a JSON body, kept raw so that
// "absent", "null" and "wrong type" stay apart.
type rawField = json.RawMessage

// parseBody decodes a JSON object body; an empty body is an empty object.
func parseBody(r *http.Request) (map[string]rawField, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, failure(err.Error())
	}
	body := map[string]rawField{}
	if len(bytes.TrimSpace(b)) == 0 {
		return body, nil
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return nil, failure("Unexpected token in JSON body: " + err.Error())
	}
	return body, nil
}

// has says whether the body has the key at all (JS hasOwnProperty).
func (c *call) has(key string) bool {
	_, ok := c.body[key]
	return ok
}

// str reads a string member; absent or null is "". Another type is a 400
// invalid-params, as the route validators answer.
func (c *call) str(key string) (string, error) {
	raw, ok := c.body[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", invalidParams("must have property '" + key + "' of type string")
	}
	return v, nil
}

func (c *call) boolean(key string) (value, set bool, err error) {
	raw, ok := c.body[key]
	if !ok || string(raw) == "null" {
		return false, false, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return false, false, invalidParams("must have property '" + key + "' of type boolean")
	}
	return value, true, nil
}

// strings reads a member that is a string or an array of strings.
func (c *call) strings(key string) ([]string, error) {
	raw, ok := c.body[key]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, invalidParams("must have property '" + key + "' of type array")
	}
	return many, nil
}

// only rejects body members outside keys, as a schema with
// additionalProperties: false does.
func (c *call) only(keys ...string) error {
	for k := range c.body {
		if !slices.Contains(keys, k) {
			return invalidParams("must NOT have additional properties")
		}
	}
	return nil
}

func (c *call) query(key string) string { return c.r.URL.Query().Get(key) }

// page is getPaginationItems: offset (default 0) and count (default 50,
// at most 100; 0 means no limit, API_Allow_Infinite_Count being on).
type page struct{ offset, count int }

func (c *call) page() page {
	p := page{count: 50}
	if n, err := strconv.Atoi(c.query("offset")); err == nil && n > 0 {
		p.offset = n
	}
	if v := c.query("count"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			p.count = min(n, 100)
		}
	}
	return p
}

func pageOf[T any](all []T, p page) []T {
	if p.offset >= len(all) {
		return []T{}
	}
	all = all[p.offset:]
	if p.count > 0 && p.count < len(all) {
		all = all[:p.count]
	}
	return all
}

// parseJSDate parses what JS new Date(string) accepts from a careful
// client: ISO 8601 with or without fraction, or epoch milliseconds.
func parseJSDate(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		return time.UnixMilli(n), true
	}
	return time.Time{}, false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
