package oncall

import (
	"testing"
	"time"
)

func TestNext(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	be := func(s string) time.Time { return local(t, berlin, s) }
	over := func(user, start, end string) Override {
		return Override{User: user, Start: be(start), End: be(end)}
	}
	primary := func(user, start, end string) Shift {
		return Shift{User: user, Start: be(start), End: be(end), Layer: "main"}
	}
	solo := weekly()
	solo.Members = []string{"sam"}
	invalid := weekly()
	invalid.TimeZone = "Mars/Olympus"

	tests := []struct {
		name     string
		schedule Schedule
		at       string
		want     Shift
		wantOK   bool
	}{
		{"next handoff across DST", single(weekly()), "2026-03-25 12:00",
			primary("alice", "2026-03-30 09:00", "2026-04-06 09:00"), true},
		{"at a handoff, the one after", single(weekly()), "2026-03-30 09:00",
			primary("bob", "2026-04-06 09:00", "2026-04-13 09:00"), true},
		{"before start, the first shift", single(weekly()), "2025-12-01 00:00",
			primary("alice", "2026-01-05 09:00", "2026-01-12 09:00"), true},
		{"an override coming up", single(weekly(), over("zoe", "2026-03-25 12:00", "2026-03-25 18:00")), "2026-03-24 00:00",
			Shift{User: "zoe", Start: be("2026-03-25 12:00"), End: be("2026-03-25 18:00"), Override: true}, true},
		{"back from an override", single(weekly(), over("zoe", "2026-03-25 12:00", "2026-03-25 18:00")), "2026-03-25 13:00",
			primary("carol", "2026-03-25 18:00", "2026-03-30 09:00"), true},
		{"an override by the same user is skipped", single(weekly(), over("carol", "2026-03-29 20:00", "2026-03-30 12:00")), "2026-03-25 12:00",
			primary("alice", "2026-03-30 12:00", "2026-04-06 09:00"), true},
		{"business hours end", layered(), "2026-03-23 10:00",
			Shift{User: "carol", Start: be("2026-03-23 17:00"), End: be("2026-03-24 09:00"), Layer: "primary"}, true},
		{"business hours start", layered(), "2026-03-23 20:00",
			Shift{User: "dave", Start: be("2026-03-24 09:00"), End: be("2026-03-24 17:00"), Layer: "business"}, true},
		{"one member: the next handoff", single(solo), "2026-03-25 12:00",
			primary("sam", "2026-03-30 09:00", "2026-04-06 09:00"), true},
		{"invalid schedule", single(invalid), "2026-03-25 12:00", Shift{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.schedule.Next(be(tt.at))
			checkShift(t, got, ok, tt.want, tt.wantOK)
		})
	}
}
