package rocketchat

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// TestClassifyHolds: a 429 waits for X-RateLimit-Reset, else Retry-After,
// else 5 s; a 503 waits only when it says how long.
func TestClassifyHolds(t *testing.T) {
	reset := strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10)
	tests := []struct {
		name     string
		status   int
		h        []string
		min, max time.Duration // of the *incident.RetryAfter; 0, 0: none
	}{
		{"429 with the reset epoch", 429, []string{"X-RateLimit-Reset", reset}, 59 * time.Second, 61 * time.Second},
		{"429 with Retry-After", 429, []string{"Retry-After", "7"}, 7 * time.Second, 8 * time.Second},
		{"429 with nothing", 429, nil, 5 * time.Second, 5 * time.Second},
		{"503 with Retry-After", 503, []string{"Retry-After", "20"}, 20 * time.Second, 21 * time.Second},
		{"503 without", 503, nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tt.h); i += 2 {
				h.Set(tt.h[i], tt.h[i+1])
			}
			err := classify("post", &http.Response{StatusCode: tt.status, Header: h}, []byte(`{"success":false,"error":"slow down"}`))
			if incident.ErrorKind(err) != incident.KindTransient || status(err) != tt.status {
				t.Fatalf("%v: kind %s, status %d", err, incident.ErrorKind(err), status(err))
			}
			var ra *incident.RetryAfter
			held := errors.As(err, &ra)
			switch {
			case held != (tt.max > 0):
				t.Errorf("held %v (%v), want a hold in [%s, %s]", held, err, tt.min, tt.max)
			case held && (ra.After < tt.min || ra.After > tt.max):
				t.Errorf("hold %s, want it in [%s, %s]", ra.After, tt.min, tt.max)
			}
		})
	}
}
