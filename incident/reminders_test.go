package incident

import (
	"testing"
	"time"
)

func TestFormatEvery(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                "less than a minute",
		30 * time.Minute:                "30m",
		31*time.Minute + 10*time.Second: "31m",
		time.Hour:                       "1h",
		90 * time.Minute:                "1h30m",
		10 * time.Hour:                  "10h",
		2*time.Hour + 20*time.Minute:    "2h20m",
	} {
		if got := formatEvery(d); got != want {
			t.Errorf("formatEvery(%s) = %q, want %q", d, got, want)
		}
	}
}
