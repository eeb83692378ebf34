package oncall

import (
	"testing"
	"time"
)

// TestShiftsAgreeWithOnCall checks, every ten minutes over three weeks that
// include a DST change, that Shifts tiles time with maximal shifts and that
// OnCall returns the same shift from anywhere inside it.
func TestShiftsAgreeWithOnCall(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	be := func(s string) time.Time { return local(t, berlin, s) }
	busy := layered()
	busy.Overrides = []Override{
		{User: "zoe", Start: be("2026-03-25 12:00"), End: be("2026-03-25 18:00")},
		{User: "yan", Start: be("2026-03-29 20:00"), End: be("2026-03-30 12:00")},
		{User: "xia", Start: be("2026-03-31 16:30"), End: be("2026-04-01 10:00")},
		{User: "wu", Start: be("2026-03-31 20:00"), End: be("2026-03-31 21:00")},
	}
	nights := layered()
	nights.Layers[1].Restrict = &Window{Weekdays: []string{"fri", "sat"}, From: "18:00", To: "09:00"}

	tests := []struct {
		name     string
		schedule Schedule
	}{
		{"weekly", single(weekly())},
		{"two layers", layered()},
		{"two layers and overrides", busy},
		{"overnight window", nights},
	}
	from, to := be("2026-03-16 00:00"), be("2026-04-06 00:00")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shifts := tt.schedule.Shifts(from, to)
			for i, sh := range shifts {
				if i > 0 {
					prev := shifts[i-1]
					if !sh.Start.Equal(prev.End) {
						t.Errorf("gap between %s and %s", show(prev), show(sh))
					}
					if sh.User == prev.User && sh.Layer == prev.Layer && !sh.Override {
						t.Errorf("needless split between %s and %s", show(prev), show(sh))
					}
				}
				last := sh.End.Add(-time.Nanosecond)
				if got, ok := tt.schedule.OnCall(last); !ok || !sameShift(got, sh) {
					t.Fatalf("OnCall(%s) = %s, %v; want %s", last, show(got), ok, show(sh))
				}
				for at := sh.Start; at.Before(sh.End); at = at.Add(10 * time.Minute) {
					if got, ok := tt.schedule.OnCall(at); !ok || !sameShift(got, sh) {
						t.Fatalf("OnCall(%s) = %s, %v; want %s", at, show(got), ok, show(sh))
					}
				}
			}
		})
	}
}
