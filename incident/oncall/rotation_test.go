package oncall

import (
	"testing"
	"time"
)

func TestOnCallRotations(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	daily := Rotation{Members: []string{"dan", "erin"}, Every: 1, Unit: Days, HandoffTime: "09:00",
		Start: "2026-03-01", TimeZone: "America/New_York"}
	twelve := Rotation{Members: []string{"fay", "gus", "hal"}, Every: 12, Unit: Hours, HandoffTime: "08:00",
		Start: "2026-01-01", TimeZone: "UTC"}
	twelveBerlin := Rotation{Members: []string{"ivy", "jon"}, Every: 12, Unit: Hours, HandoffTime: "09:00",
		Start: "2026-03-28", TimeZone: "Europe/Berlin"}
	gap := Rotation{Members: []string{"kim", "lee"}, Every: 1, Unit: Days, HandoffTime: "02:30",
		Start: "2026-03-27", TimeZone: "Europe/Berlin"}
	utc := func(s string) time.Time { return local(t, time.UTC, s) }
	be := func(s string) time.Time { return local(t, berlin, s) }
	ny := func(s string) time.Time { return local(t, newYork, s) }
	shift := func(user string, start, end time.Time) Shift {
		return Shift{User: user, Start: start, End: end, Layer: "main"}
	}

	tests := []struct {
		name     string
		rotation Rotation
		at       time.Time
		want     Shift
		wantOK   bool
		hours    float64 // expected length of the shift, 0 to skip
	}{
		{"weekly first handoff", weekly(), be("2026-01-05 09:00"),
			shift("alice", be("2026-01-05 09:00"), be("2026-01-12 09:00")), true, 168},
		{"weekly before start", weekly(), be("2026-01-05 08:59"), Shift{}, false, 0},
		{"weekly a year before start", weekly(), be("2025-01-06 09:00"), Shift{}, false, 0},
		{"weekly across spring DST is 167h", weekly(), be("2026-03-29 12:00"),
			shift("carol", be("2026-03-23 09:00"), be("2026-03-30 09:00")), true, 167},
		{"weekly last minute before spring handoff", weekly(), be("2026-03-30 08:59"),
			shift("carol", be("2026-03-23 09:00"), be("2026-03-30 09:00")), true, 167},
		{"weekly spring handoff stays 09:00 local", weekly(), be("2026-03-30 09:00"),
			shift("alice", be("2026-03-30 09:00"), be("2026-04-06 09:00")), true, 168},
		{"weekly across autumn DST is 169h", weekly(), be("2026-10-25 02:30 +0200"),
			shift("carol", be("2026-10-19 09:00"), be("2026-10-26 09:00")), true, 169},
		{"weekly in the repeated autumn hour", weekly(), be("2026-10-25 02:30 +0100"),
			shift("carol", be("2026-10-19 09:00"), be("2026-10-26 09:00")), true, 169},
		{"weekly autumn handoff stays 09:00 local", weekly(), be("2026-10-26 09:00"),
			shift("alice", be("2026-10-26 09:00"), be("2026-11-02 09:00")), true, 168},
		{"daily New York into spring DST is 23h", daily, ny("2026-03-08 08:00"),
			shift("dan", ny("2026-03-07 09:00"), ny("2026-03-08 09:00")), true, 23},
		{"daily New York after spring DST", daily, ny("2026-03-08 09:00"),
			shift("erin", ny("2026-03-08 09:00"), ny("2026-03-09 09:00")), true, 24},
		{"daily New York autumn DST is 25h", daily, ny("2026-11-01 01:30 -0500"),
			shift("dan", ny("2026-10-31 09:00"), ny("2026-11-01 09:00")), true, 25},
		{"daily New York before start", daily, ny("2026-03-01 08:59"), Shift{}, false, 0},
		{"12 hours UTC", twelve, utc("2026-01-02 07:59"),
			shift("gus", utc("2026-01-01 20:00"), utc("2026-01-02 08:00")), true, 12},
		{"12 hours UTC at a handoff", twelve, utc("2026-01-02 08:00"),
			shift("hal", utc("2026-01-02 08:00"), utc("2026-01-02 20:00")), true, 12},
		{"12 hours UTC wraps to the first member", twelve, utc("2026-01-02 20:00"),
			shift("fay", utc("2026-01-02 20:00"), utc("2026-01-03 08:00")), true, 12},
		{"12 hours UTC before start", twelve, utc("2026-01-01 07:59"), Shift{}, false, 0},
		{"12 hours in Berlin step in absolute time across DST", twelveBerlin, be("2026-03-30 12:00"),
			shift("ivy", be("2026-03-30 10:00"), be("2026-03-30 22:00")), true, 12},
		{"handoff in the spring gap moves to 03:30", gap, be("2026-03-29 03:00"),
			shift("lee", be("2026-03-28 02:30"), be("2026-03-29 03:30")), true, 24},
		{"shift after the spring gap is 23h", gap, be("2026-03-29 03:30"),
			shift("kim", be("2026-03-29 03:30"), be("2026-03-30 02:30")), true, 23},
		{"handoff in the repeated hour is its first occurrence", gap, be("2026-10-25 02:45 +0100"),
			shift("kim", be("2026-10-25 02:30 +0200"), be("2026-10-26 02:30")), true, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := single(tt.rotation).OnCall(tt.at)
			checkShift(t, got, ok, tt.want, tt.wantOK)
			if tt.hours != 0 && got.End.Sub(got.Start).Hours() != tt.hours {
				t.Errorf("shift lasts %v, want %vh", got.End.Sub(got.Start), tt.hours)
			}
		})
	}
}

// TestRotationInvariants walks five years of shifts and checks that every
// rotation keeps its members in turn, leaves no gaps and, for calendar
// units, hands off at the same local wall-clock time.
func TestRotationInvariants(t *testing.T) {
	tests := []struct {
		name     string
		rotation Rotation
		wall     bool // handoffs at HandoffTime local
	}{
		{"weekly Berlin", weekly(), true},
		{"fortnightly New York", Rotation{Members: []string{"a", "b", "c", "d"}, Every: 2, Unit: Weeks,
			HandoffTime: "10:30", Start: "2026-02-03", TimeZone: "America/New_York"}, true},
		{"daily Sydney", Rotation{Members: []string{"a", "b"}, Every: 1, Unit: Days,
			HandoffTime: "09:00", Start: "2026-01-01", TimeZone: "Australia/Sydney"}, true},
		{"8 hours Berlin", Rotation{Members: []string{"a", "b", "c"}, Every: 8, Unit: Hours,
			HandoffTime: "06:00", Start: "2026-01-01", TimeZone: "Europe/Berlin"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := single(tt.rotation)
			loc := zone(t, tt.rotation.TimeZone)
			from := local(t, loc, tt.rotation.Start+" 00:00")
			shifts := s.Shifts(from, from.AddDate(5, 0, 0))
			if len(shifts) < 100 {
				t.Fatalf("got %d shifts", len(shifts))
			}
			members := tt.rotation.Members
			for i, sh := range shifts {
				if want := members[i%len(members)]; sh.User != want {
					t.Fatalf("shift %d: %s, want %s", i, show(sh), want)
				}
				if i > 0 && !sh.Start.Equal(shifts[i-1].End) {
					t.Fatalf("gap before shift %d: %s", i, show(sh))
				}
				start := sh.Start.In(loc).Format("15:04")
				if tt.wall && start != tt.rotation.HandoffTime {
					t.Fatalf("shift %d starts at %s local: %s", i, start, show(sh))
				}
				if got, ok := s.OnCall(sh.End.Add(-time.Nanosecond)); !ok || !sameShift(got, sh) {
					t.Fatalf("OnCall at the end of shift %d = %s, want %s", i, show(got), show(sh))
				}
			}
		})
	}
}

// BenchmarkOnCall shows that the cost does not grow with the distance from
// the rotation's start.
func BenchmarkOnCall(b *testing.B) {
	berlin := zone(b, "Europe/Berlin")
	s := single(weekly())
	for _, at := range []string{"2026-03-25 12:00", "2226-03-25 12:00"} {
		t := local(b, berlin, at)
		b.Run(at[:4], func(b *testing.B) {
			for b.Loop() {
				s.OnCall(t)
			}
		})
	}
}
