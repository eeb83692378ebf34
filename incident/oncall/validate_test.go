package oncall

import (
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	start := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	rotation := func(edit func(*Rotation)) Schedule {
		r := weekly()
		edit(&r)
		return single(r)
	}
	restricted := func(w Window) Schedule {
		s := single(weekly())
		s.Layers[0].Restrict = &w
		return s
	}
	overridden := func(o Override) Schedule { return single(weekly(), o) }

	tests := []struct {
		name     string
		schedule Schedule
		want     []string // each must appear in the error; none means valid
	}{
		{"valid", single(weekly()), nil},
		{"valid with layers and overrides", overridden(Override{User: "zoe", Start: start, End: start.Add(time.Hour)}), nil},
		{"valid two layers", layered(), nil},
		{"valid singular unit in capitals", rotation(func(r *Rotation) { r.Unit = "Week" }), nil},
		{"valid overnight window", restricted(Window{From: "18:00", To: "09:00"}), nil},
		{"valid whole day", restricted(Window{Weekdays: []string{"Saturday", "sun"}}), nil},
		{"no layers", Schedule{Name: "empty"}, []string{`schedule "empty": Layers is empty`}},
		{"layer without a name", Schedule{Layers: []Layer{{Rotation: weekly()}}}, []string{"Layers[0]: Name is empty"}},
		{"unknown time zone", rotation(func(r *Rotation) { r.TimeZone = "Europe/Berln" }),
			[]string{`Layers[0] "main": Rotation.TimeZone: "Europe/Berln" is not a known IANA time zone`}},
		{"empty time zone", rotation(func(r *Rotation) { r.TimeZone = "" }), []string{"Rotation.TimeZone: empty"}},
		{"no members", rotation(func(r *Rotation) { r.Members = nil }), []string{"Rotation.Members is empty"}},
		{"blank member", rotation(func(r *Rotation) { r.Members = []string{"alice", " "} }), []string{"Rotation.Members[1] is empty"}},
		{"handoff 25:00", rotation(func(r *Rotation) { r.HandoffTime = "25:00" }), []string{`Rotation.HandoffTime: "25:00" is out of range`}},
		{"handoff 24:00", rotation(func(r *Rotation) { r.HandoffTime = "24:00" }), []string{`Rotation.HandoffTime: "24:00" is out of range`}},
		{"handoff 9am", rotation(func(r *Rotation) { r.HandoffTime = "9am" }), []string{`Rotation.HandoffTime: "9am" is not a time`}},
		{"handoff missing", rotation(func(r *Rotation) { r.HandoffTime = "" }), []string{`Rotation.HandoffTime: "" is not a time`}},
		{"every zero", rotation(func(r *Rotation) { r.Every = 0 }), []string{"Rotation.Every is 0; it must be a positive"}},
		{"every negative", rotation(func(r *Rotation) { r.Every = -2 }), []string{"Rotation.Every is -2"}},
		{"every too long", rotation(func(r *Rotation) { r.Every = 1000 }), []string{"Rotation.Every is 1000 weeks, longer than ten years"}},
		{"unknown unit", rotation(func(r *Rotation) { r.Unit = "fortnights" }), []string{`Rotation.Unit "fortnights" is unknown`}},
		{"bad start", rotation(func(r *Rotation) { r.Start = "05.01.2026" }), []string{`Rotation.Start: "05.01.2026" is not a date`}},
		{"unknown weekday", restricted(Window{Weekdays: []string{"mon", "funday"}}), []string{`Restrict.Weekdays[1] "funday" is not a weekday`}},
		{"from without to", restricted(Window{From: "09:00"}), []string{"Restrict.From \"09:00\" and Restrict.To \"\" must be set together"}},
		{"bad to", restricted(Window{From: "09:00", To: "17:60"}), []string{`Restrict.To: "17:60" is out of range`}},
		{"empty window", restricted(Window{From: "09:00", To: "09:00"}), []string{`Restrict.From and Restrict.To are both "09:00"`}},
		{"override end before start", overridden(Override{User: "zoe", Start: start, End: start.Add(-time.Hour)}),
			[]string{`Overrides[0] "zoe": End 2026-03-25T11:00:00Z is not after Start 2026-03-25T12:00:00Z`}},
		{"override of no length", overridden(Override{User: "zoe", Start: start, End: start}), []string{"End 2026-03-25T12:00:00Z is not after Start"}},
		{"override without user", overridden(Override{Start: start, End: start.Add(time.Hour)}), []string{"Overrides[0]: User is empty"}},
		{"override without times", overridden(Override{User: "zoe"}), []string{`Overrides[0] "zoe": Start and End must both be set`}},
		{"every problem at once", rotation(func(r *Rotation) { *r = Rotation{} }), []string{
			"Rotation.Members", "Rotation.Unit", "Rotation.Every", "Rotation.HandoffTime", "Rotation.Start", "Rotation.TimeZone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.schedule.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q\nwant it to contain %q", err, w)
				}
			}
			if lines := strings.Count(err.Error(), "\n") + 1; lines != len(tt.want) {
				t.Errorf("Validate() reported %d problems, want %d:\n%v", lines, len(tt.want), err)
			}
			if _, ok := tt.schedule.OnCall(start); ok {
				t.Error("OnCall answered for an invalid schedule")
			}
		})
	}
}
