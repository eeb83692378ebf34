package prometheus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// wireResponse is the envelope of every Prometheus HTTP API answer.
type wireResponse struct {
	Status    string   `json:"status"`
	Data      wireData `json:"data"`
	ErrorType string   `json:"errorType"`
	Error     string   `json:"error"`
	Warnings  []string `json:"warnings"`
}

// wireData is the data of a query answer.
type wireData struct {
	ResultType string       `json:"resultType"`
	Result     []wireSeries `json:"result"`
}

// wireSeries is one series of a matrix. Series of native histograms carry
// "histograms" instead of "values"; they are not graphed and arrive empty.
type wireSeries struct {
	Metric map[string]string `json:"metric"`
	Values []wirePoint       `json:"values"`
}

// wirePoint is [<unix seconds, maybe fractional>, "<value as a string>"].
type wirePoint Point

// UnmarshalJSON decodes one [timestamp, "value"] pair. The value string may
// be "NaN", "+Inf" or "-Inf".
func (p *wirePoint) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	if len(pair) != 2 {
		return fmt.Errorf("sample %s: want [timestamp, \"value\"]", b)
	}
	var ts json.Number
	d := json.NewDecoder(bytes.NewReader(pair[0]))
	d.UseNumber()
	if err := d.Decode(&ts); err != nil {
		return fmt.Errorf("sample timestamp %s: %w", pair[0], err)
	}
	sec, err := strconv.ParseFloat(string(ts), 64)
	if err != nil {
		return fmt.Errorf("sample timestamp %s: %w", pair[0], err)
	}
	var s string
	if err := json.Unmarshal(pair[1], &s); err != nil {
		return fmt.Errorf("sample value %s: want a string: %w", pair[1], err)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("sample value %q: %w", s, err)
	}
	p.T = fromUnixSeconds(sec)
	p.V = v
	return nil
}

// fromUnixSeconds converts fractional Unix seconds to a time, rounded to the
// millisecond (Prometheus's resolution) so that float error does not show.
func fromUnixSeconds(sec float64) time.Time {
	return time.UnixMilli(int64(math.Round(sec * 1000)))
}

// series converts the wire matrix to the package's own types.
func (d wireData) series() []Series {
	out := make([]Series, 0, len(d.Result))
	for _, ws := range d.Result {
		s := Series{Labels: ws.Metric, Points: make([]Point, len(ws.Values))}
		if s.Labels == nil {
			s.Labels = map[string]string{}
		}
		for i, p := range ws.Values {
			s.Points[i] = Point(p)
		}
		out = append(out, s)
	}
	return out
}
