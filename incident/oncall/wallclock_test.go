package oncall

import (
	"testing"
	"time"
)

func TestWallTime(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		date  string
		clock string
		want  string // RFC 3339
	}{
		{"ordinary", "Europe/Berlin", "2026-03-23", "09:00", "2026-03-23T09:00:00+01:00"},
		{"summer", "Europe/Berlin", "2026-07-01", "09:00", "2026-07-01T09:00:00+02:00"},
		{"skipped hour moves forward", "Europe/Berlin", "2026-03-29", "02:30", "2026-03-29T03:30:00+02:00"},
		{"start of skipped hour", "Europe/Berlin", "2026-03-29", "02:00", "2026-03-29T03:00:00+02:00"},
		{"repeated hour takes the first", "Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T02:30:00+02:00"},
		{"New York skipped hour", "America/New_York", "2026-03-08", "02:30", "2026-03-08T03:30:00-04:00"},
		{"New York repeated hour takes the first", "America/New_York", "2026-11-01", "01:30", "2026-11-01T01:30:00-04:00"},
		{"end of day", "Europe/Berlin", "2026-03-28", "24:00", "2026-03-29T00:00:00+01:00"},
		{"Lord Howe half-hour shift", "Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-04T02:45:00+11:00"},
		{"UTC", "UTC", "2026-01-01", "23:59", "2026-01-01T23:59:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			day, err := parseDate(tt.date)
			if err != nil {
				t.Fatal(err)
			}
			minute, err := parseClock(tt.clock, true)
			if err != nil {
				t.Fatal(err)
			}
			got := wallTime(day, minute, zone(t, tt.zone))
			if want, _ := time.Parse(time.RFC3339, tt.want); !got.Equal(want) || got.Format(time.RFC3339) != tt.want {
				t.Errorf("wallTime = %s, want %s", got.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in       string
		allowEnd bool
		want     int
		wantErr  bool
	}{
		{"09:00", false, 540, false},
		{"9:05", false, 545, false},
		{"00:00", false, 0, false},
		{"23:59", false, 1439, false},
		{"24:00", true, 1440, false},
		{"24:00", false, 0, true},
		{"24:01", true, 0, true},
		{"25:00", false, 0, true},
		{"12:60", false, 0, true},
		{"+9:00", false, 0, true},
		{"09:0", false, 0, true},
		{"0900", false, 0, true},
		{"", false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseClock(tt.in, tt.allowEnd)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseClock(%q, %v) = %d, %v; want %d, error %v", tt.in, tt.allowEnd, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
