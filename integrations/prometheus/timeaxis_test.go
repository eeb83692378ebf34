package prometheus

import (
	"slices"
	"testing"
	"time"
)

func TestTimeTicks(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	kolkata := zone(t, "Asia/Kolkata")
	utc := func(h, m int) time.Time { return time.Date(2026, 11, 22, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		loc        *time.Location
		start, end time.Time
		want       []string
	}{
		{"hour in Berlin", berlin, utc(13, 3), utc(14, 3),
			[]string{"14:10", "14:20", "14:30", "14:40", "14:50", "15:00"}},
		{"hour in Kolkata (half-hour offset)", kolkata, utc(13, 3), utc(14, 3),
			[]string{"18:40", "18:50", "19:00", "19:10", "19:20", "19:30"}},
		{"across midnight", time.UTC, utc(21, 0), utc(27, 0),
			[]string{"21:00", "22:00", "23:00", "00:00\nMon Nov 23", "01:00", "02:00", "03:00"}},
		{"two minutes", time.UTC, utc(10, 0), utc(10, 2),
			[]string{"10:00:00", "10:00:30", "10:01:00", "10:01:30", "10:02:00"}},
		{"a week", time.UTC, utc(0, 0), utc(7*24, 0),
			[]string{"Sun Nov 22", "Mon Nov 23", "Tue Nov 24", "Wed Nov 25", "Thu Nov 26", "Fri Nov 27", "Sat Nov 28", "Sun Nov 29"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range (timeTicker{tt.loc}).Ticks(unixFloat(tt.start), unixFloat(tt.end)) {
				got = append(got, tk.Label)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ticks = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTimeAxisLabel(t *testing.T) {
	start := time.Date(2026, 11, 22, 22, 0, 0, 0, time.UTC)
	if got, want := timeAxisLabel(start, start.Add(time.Hour), time.UTC), "Sun Nov 22, UTC"; got != want {
		t.Errorf("label = %q, want %q", got, want)
	}
	berlin := zone(t, "Europe/Berlin")
	if got, want := timeAxisLabel(start, start.Add(time.Hour), berlin), "Sun Nov 22 – Mon Nov 23, Europe/Berlin (CET, UTC+01:00)"; got != want {
		t.Errorf("label = %q, want %q", got, want)
	}
	// A range starting late in the day: its first tick, on the next day, says so.
	var got []string
	for _, tk := range (timeTicker{time.UTC}).Ticks(unixFloat(start.Add(115*time.Minute)), unixFloat(start.Add(175*time.Minute))) {
		got = append(got, tk.Label)
	}
	if len(got) == 0 || got[0] != "00:00\nMon Nov 23" {
		t.Errorf("ticks = %q, want the first to carry the new date", got)
	}
}

func TestZoneLabel(t *testing.T) {
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "UTC"},
		{zone(t, "Europe/Berlin"), "Europe/Berlin (CET, UTC+01:00)"},
		{zone(t, "America/Sao_Paulo"), "America/Sao_Paulo (UTC-03:00)"},
		{time.FixedZone("", 19800), "UTC+05:30"},
		{time.FixedZone("CET", 3600), "CET (UTC+01:00)"},
	}
	for _, tt := range tests {
		if got := zoneLabel(tt.loc, at); got != tt.want {
			t.Errorf("zoneLabel(%v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}
