package oncall

import (
	"testing"
	"time"
)

// layered puts a business-hours layer (dave and erin, a day each, handing
// off at midnight, Monday to Friday 09:00-17:00) on top of weekly().
func layered() Schedule {
	return Schedule{Name: "payments", Layers: []Layer{
		{Name: "primary", Rotation: weekly()},
		{Name: "business", Rotation: Rotation{Members: []string{"dave", "erin"}, Every: 1, Unit: Days,
			HandoffTime: "00:00", Start: "2026-01-05", TimeZone: "Europe/Berlin"},
			Restrict: &Window{Weekdays: []string{"mon", "tue", "wed", "thu", "fri"}, From: "09:00", To: "17:00"}},
	}}
}

func TestOnCallLayers(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	be := func(s string) time.Time { return local(t, berlin, s) }
	primary := func(user, start, end string) Shift {
		return Shift{User: user, Start: be(start), End: be(end), Layer: "primary"}
	}
	business := func(user, start, end string) Shift {
		return Shift{User: user, Start: be(start), End: be(end), Layer: "business"}
	}
	late := layered()
	late.Layers[1].Rotation.Start = "2026-03-25"

	tests := []struct {
		name     string
		schedule Schedule
		at       string
		want     Shift
	}{
		{"top layer in business hours", layered(), "2026-03-23 10:00",
			business("erin", "2026-03-23 09:00", "2026-03-23 17:00")},
		{"top layer's next day", layered(), "2026-03-24 16:59",
			business("dave", "2026-03-24 09:00", "2026-03-24 17:00")},
		{"bottom layer before business hours, up to the weekly handoff", layered(), "2026-03-23 08:00",
			primary("bob", "2026-03-20 17:00", "2026-03-23 09:00")},
		{"bottom layer overnight", layered(), "2026-03-23 17:00",
			primary("carol", "2026-03-23 17:00", "2026-03-24 09:00")},
		{"bottom layer over a weekend with DST", layered(), "2026-03-29 12:00",
			primary("carol", "2026-03-27 17:00", "2026-03-30 09:00")},
		{"top layer not started yet", late, "2026-03-23 10:00",
			primary("carol", "2026-03-23 09:00", "2026-03-25 09:00")},
		{"top layer from its first handoff", late, "2026-03-25 10:00",
			business("dave", "2026-03-25 09:00", "2026-03-25 17:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.schedule.OnCall(be(tt.at))
			checkShift(t, got, ok, tt.want, true)
		})
	}
}
