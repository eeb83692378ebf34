package rocketchat

import (
	"encoding/json"
	"strconv"
	"time"
)

// rcTime reads Rocket.Chat's times: ISO-8601 strings in REST answers, and
// {"$date": ms} in some older payloads.
type rcTime struct{ time.Time }

// UnmarshalJSON accepts both forms.
func (t *rcTime) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return err
		}
		t.Time = v.UTC()
		return nil
	}
	var d struct {
		Date json.RawMessage `json:"$date"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	ms, err := strconv.ParseInt(string(d.Date), 10, 64)
	if err != nil {
		return err
	}
	t.Time = time.UnixMilli(ms).UTC()
	return nil
}
