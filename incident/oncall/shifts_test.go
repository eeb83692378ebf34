package oncall

import (
	"testing"
	"time"
)

func TestShifts(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	be := func(s string) time.Time { return local(t, berlin, s) }
	sh := func(user, layer, start, end string) Shift {
		return Shift{User: user, Start: be(start), End: be(end), Layer: layer, Override: layer == ""}
	}
	zoe := Override{User: "zoe", Start: be("2026-03-25 12:00"), End: be("2026-03-25 18:00")}

	tests := []struct {
		name     string
		schedule Schedule
		from, to string
		want     []Shift
	}{
		{"two weeks across DST", single(weekly()), "2026-03-25 00:00", "2026-04-08 00:00", []Shift{
			sh("carol", "main", "2026-03-23 09:00", "2026-03-30 09:00"),
			sh("alice", "main", "2026-03-30 09:00", "2026-04-06 09:00"),
			sh("bob", "main", "2026-04-06 09:00", "2026-04-13 09:00"),
		}},
		{"from before start", single(weekly()), "2026-01-01 00:00", "2026-01-13 00:00", []Shift{
			sh("alice", "main", "2026-01-05 09:00", "2026-01-12 09:00"),
			sh("bob", "main", "2026-01-12 09:00", "2026-01-19 09:00"),
		}},
		{"to is exclusive", single(weekly()), "2026-03-25 00:00", "2026-03-30 09:00", []Shift{
			sh("carol", "main", "2026-03-23 09:00", "2026-03-30 09:00"),
		}},
		{"with an override", single(weekly(), zoe), "2026-03-24 00:00", "2026-03-26 00:00", []Shift{
			sh("carol", "main", "2026-03-23 09:00", "2026-03-25 12:00"),
			sh("zoe", "", "2026-03-25 12:00", "2026-03-25 18:00"),
			sh("carol", "main", "2026-03-25 18:00", "2026-03-30 09:00"),
		}},
		{"two layers over a day", layered(), "2026-03-23 00:00", "2026-03-24 00:00", []Shift{
			sh("bob", "primary", "2026-03-20 17:00", "2026-03-23 09:00"),
			sh("erin", "business", "2026-03-23 09:00", "2026-03-23 17:00"),
			sh("carol", "primary", "2026-03-23 17:00", "2026-03-24 09:00"),
		}},
		{"nobody before start", single(weekly()), "2025-12-01 00:00", "2025-12-08 00:00", nil},
		{"empty range", single(weekly()), "2026-03-25 00:00", "2026-03-25 00:00", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.schedule.Shifts(be(tt.from), be(tt.to))
			ok := len(got) == len(tt.want)
			for i := 0; ok && i < len(got); i++ {
				ok = sameShift(got[i], tt.want[i])
			}
			if !ok {
				for _, s := range got {
					t.Logf("got  %s", show(s))
				}
				for _, s := range tt.want {
					t.Logf("want %s", show(s))
				}
				t.Fail()
			}
		})
	}
}

// TestShiftsLocation checks that shifts come back in the location of the
// query, so a CLI prints them in the zone it asked in.
func TestShiftsLocation(t *testing.T) {
	for _, name := range []string{"UTC", "Asia/Tokyo", "America/New_York"} {
		t.Run(name, func(t *testing.T) {
			loc := zone(t, name)
			from := time.Date(2026, 3, 25, 0, 0, 0, 0, loc)
			shifts := single(weekly()).Shifts(from, from.AddDate(0, 0, 14))
			if len(shifts) != 3 {
				t.Fatalf("got %d shifts, want 3", len(shifts))
			}
			for _, s := range shifts {
				if s.Start.Location() != loc || s.End.Location() != loc {
					t.Errorf("%s not in %s", show(s), name)
				}
			}
			if got, ok := single(weekly()).OnCall(from); !ok || got.Start.Location() != loc {
				t.Errorf("OnCall start %s not in %s", got.Start, name)
			}
		})
	}
}
