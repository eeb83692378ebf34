package oncall

import (
	"testing"
	"time"
)

func TestWindowContains(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	business := Window{Weekdays: []string{"Mon", "tuesday", "wed", "thu", "fri"}, From: "09:00", To: "17:00"}
	nights := Window{Weekdays: []string{"fri"}, From: "18:00", To: "09:00"}
	weekend := Window{Weekdays: []string{"sat", "sun"}}

	tests := []struct {
		name   string
		window Window
		at     string
		want   bool
	}{
		{"business hours open", business, "2026-03-23 09:00", true},
		{"business hours close", business, "2026-03-23 17:00", false},
		{"business hours before", business, "2026-03-23 08:59", false},
		{"business hours Saturday", business, "2026-03-28 10:00", false},
		{"Friday night", nights, "2026-03-27 23:00", true},
		{"Friday night into Saturday", nights, "2026-03-28 08:59", true},
		{"Saturday morning after", nights, "2026-03-28 09:00", false},
		{"Thursday night", nights, "2026-03-26 23:00", false},
		{"weekend on Sunday across DST", weekend, "2026-03-29 23:59", true},
		{"weekend over on Monday", weekend, "2026-03-30 00:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, errs := tt.window.compile(berlin)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got := w.contains(local(t, berlin, tt.at)); got != tt.want {
				t.Errorf("contains(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestWindowEdges(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	business := Window{Weekdays: []string{"mon", "tue", "wed", "thu", "fri"}, From: "09:00", To: "17:00"}
	tests := []struct {
		name       string
		at         string
		prev, next string
	}{
		{"during", "2026-03-23 12:00", "2026-03-23 09:00", "2026-03-23 17:00"},
		{"at opening", "2026-03-23 09:00", "2026-03-23 09:00", "2026-03-23 17:00"},
		{"weekend across DST", "2026-03-29 12:00", "2026-03-27 17:00", "2026-03-30 09:00"},
	}
	w, errs := business.compile(berlin)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := local(t, berlin, tt.at)
			if got, want := w.prevEdge(at), local(t, berlin, tt.prev); !got.Equal(want) {
				t.Errorf("prevEdge = %s, want %s", got, want)
			}
			if got, want := w.nextEdge(at), local(t, berlin, tt.next); !got.Equal(want) {
				t.Errorf("nextEdge = %s, want %s", got, want)
			}
		})
	}
}

func TestParseWeekday(t *testing.T) {
	tests := []struct {
		in   string
		want time.Weekday
		ok   bool
	}{
		{"mon", time.Monday, true},
		{"Monday", time.Monday, true},
		{" SUN ", time.Sunday, true},
		{"thurs", 0, false},
		{"mo", 0, false},
		{"funday", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseWeekday(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseWeekday(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
