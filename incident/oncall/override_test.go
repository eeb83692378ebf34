package oncall

import (
	"testing"
	"time"
)

func TestOnCallOverrides(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	be := func(s string) time.Time { return local(t, berlin, s) }
	over := func(user, start, end string) Override {
		return Override{User: user, Start: be(start), End: be(end)}
	}
	primary := func(user, start, end string) Shift {
		return Shift{User: user, Start: be(start), End: be(end), Layer: "main"}
	}
	overridden := func(user, start, end string) Shift {
		return Shift{User: user, Start: be(start), End: be(end), Override: true}
	}
	inside := over("zoe", "2026-03-25 12:00", "2026-03-25 18:00")
	spanning := over("yan", "2026-03-29 20:00", "2026-03-30 12:00")
	outer, inner := over("xia", "2026-03-25 10:00", "2026-03-25 16:00"), over("wu", "2026-03-25 12:00", "2026-03-25 14:00")
	tieFirst, tieLast := over("vic", "2026-03-25 10:00", "2026-03-25 16:00"), over("uma", "2026-03-25 10:00", "2026-03-25 12:00")

	tests := []struct {
		name      string
		overrides []Override
		at        string
		want      Shift
	}{
		{"inside one shift", []Override{inside}, "2026-03-25 13:00",
			overridden("zoe", "2026-03-25 12:00", "2026-03-25 18:00")},
		{"shift cut short by an override", []Override{inside}, "2026-03-25 11:00",
			primary("carol", "2026-03-23 09:00", "2026-03-25 12:00")},
		{"shift resumes when the override ends", []Override{inside}, "2026-03-25 18:00",
			primary("carol", "2026-03-25 18:00", "2026-03-30 09:00")},
		{"override spanning a handoff", []Override{spanning}, "2026-03-30 10:00",
			overridden("yan", "2026-03-29 20:00", "2026-03-30 12:00")},
		{"next shift starts when a spanning override ends", []Override{spanning}, "2026-03-30 12:00",
			primary("alice", "2026-03-30 12:00", "2026-04-06 09:00")},
		{"later-starting override wins", []Override{inner, outer}, "2026-03-25 13:00",
			overridden("wu", "2026-03-25 12:00", "2026-03-25 14:00")},
		{"earlier override before the later one starts", []Override{inner, outer}, "2026-03-25 11:00",
			overridden("xia", "2026-03-25 10:00", "2026-03-25 12:00")},
		{"earlier override after the later one ends", []Override{inner, outer}, "2026-03-25 15:00",
			overridden("xia", "2026-03-25 14:00", "2026-03-25 16:00")},
		{"same start: the one listed last wins", []Override{tieFirst, tieLast}, "2026-03-25 11:00",
			overridden("uma", "2026-03-25 10:00", "2026-03-25 12:00")},
		{"same start: the other takes over", []Override{tieFirst, tieLast}, "2026-03-25 12:00",
			overridden("vic", "2026-03-25 12:00", "2026-03-25 16:00")},
		{"override before the rotation starts", []Override{over("ted", "2026-01-01 00:00", "2026-01-02 00:00")},
			"2026-01-01 12:00", overridden("ted", "2026-01-01 00:00", "2026-01-02 00:00")},
		{"end is exclusive", []Override{inside}, "2026-03-25 17:59",
			overridden("zoe", "2026-03-25 12:00", "2026-03-25 18:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := single(weekly(), tt.overrides...).OnCall(be(tt.at))
			checkShift(t, got, ok, tt.want, true)
		})
	}
}

func TestOnCallOverrideBeatsRestrictedLayer(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	s := layered()
	s.Overrides = []Override{{User: "zoe", Start: local(t, berlin, "2026-03-23 16:00"), End: local(t, berlin, "2026-03-23 18:00")}}
	want := Shift{User: "zoe", Start: local(t, berlin, "2026-03-23 16:00"), End: local(t, berlin, "2026-03-23 18:00"), Override: true}
	got, ok := s.OnCall(local(t, berlin, "2026-03-23 16:30"))
	checkShift(t, got, ok, want, true)
}
