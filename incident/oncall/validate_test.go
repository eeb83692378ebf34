package oncall

import (
	"reflect"
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
		{"no layers", Schedule{Name: "empty"}, []string{"layers: empty; add at least one layer"}},
		{"layer without a name", Schedule{Layers: []Layer{{Rotation: weekly()}}}, []string{"layers[0].name: empty"}},
		{"unknown time zone", rotation(func(r *Rotation) { r.TimeZone = "Europe/Berln" }),
			[]string{`layers[0].rotation.time_zone: "Europe/Berln" is not a known IANA time zone`}},
		{"empty time zone", rotation(func(r *Rotation) { r.TimeZone = "" }), []string{"layers[0].rotation.time_zone: empty"}},
		{"no members", rotation(func(r *Rotation) { r.Members = nil }), []string{"layers[0].rotation.members: empty"}},
		{"blank member", rotation(func(r *Rotation) { r.Members = []string{"alice", " "} }), []string{"layers[0].rotation.members[1]: empty"}},
		{"handoff 25:00", rotation(func(r *Rotation) { r.HandoffTime = "25:00" }), []string{`layers[0].rotation.handoff_time: "25:00" is out of range`}},
		{"handoff 24:00", rotation(func(r *Rotation) { r.HandoffTime = "24:00" }), []string{`layers[0].rotation.handoff_time: "24:00" is out of range`}},
		{"handoff 9am", rotation(func(r *Rotation) { r.HandoffTime = "9am" }), []string{`layers[0].rotation.handoff_time: "9am" is not a time`}},
		{"handoff missing", rotation(func(r *Rotation) { r.HandoffTime = "" }), []string{`layers[0].rotation.handoff_time: "" is not a time`}},
		{"every zero", rotation(func(r *Rotation) { r.Every = 0 }), []string{"layers[0].rotation.every: 0; use a positive number"}},
		{"every negative", rotation(func(r *Rotation) { r.Every = -2 }), []string{"layers[0].rotation.every: -2;"}},
		{"every too long", rotation(func(r *Rotation) { r.Every = 1000 }), []string{"layers[0].rotation.every: 1000 weeks is longer than ten years"}},
		{"unknown unit", rotation(func(r *Rotation) { r.Unit = "fortnights" }), []string{`layers[0].rotation.unit: "fortnights" is unknown; use hours, days or weeks`}},
		{"bad start", rotation(func(r *Rotation) { r.Start = "05.01.2026" }), []string{`layers[0].rotation.start: "05.01.2026" is not a date`}},
		{"unknown weekday", restricted(Window{Weekdays: []string{"mon", "funday"}}), []string{`layers[0].restrict.weekdays[1]: "funday" is not a weekday`}},
		{"from without to", restricted(Window{From: "09:00"}), []string{`layers[0].restrict.from: "09:00" with to ""; set both or neither`}},
		{"bad to", restricted(Window{From: "09:00", To: "17:60"}), []string{`layers[0].restrict.to: "17:60" is out of range`}},
		{"empty window", restricted(Window{From: "09:00", To: "09:00"}), []string{`layers[0].restrict.from: "09:00" is also to, an empty window`}},
		{"override end before start", overridden(Override{User: "zoe", Start: start, End: start.Add(-time.Hour)}),
			[]string{`overrides[0].end: 2026-03-25T11:00:00Z is not after start 2026-03-25T12:00:00Z`}},
		{"override of no length", overridden(Override{User: "zoe", Start: start, End: start}), []string{"overrides[0].end: 2026-03-25T12:00:00Z is not after start"}},
		{"override without user", overridden(Override{Start: start, End: start.Add(time.Hour)}), []string{"overrides[0].user: empty"}},
		{"override without times", overridden(Override{User: "zoe"}), []string{"overrides[0].start: start and end must both be set"}},
		{"every problem at once", rotation(func(r *Rotation) { *r = Rotation{} }), []string{
			"rotation.members:", "rotation.unit:", "rotation.every:", "rotation.handoff_time:", "rotation.start:", "rotation.time_zone:"}},
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

// The key paths the problems name are the yaml keys of the fields, so that
// warroom's config errors point at what the user wrote.
func TestValidateNamesYAMLKeys(t *testing.T) {
	keys := map[string]bool{}
	var collect func(reflect.Type)
	collect = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range t.NumField() {
			keys[t.Field(i).Tag.Get("yaml")] = true
			collect(t.Field(i).Type)
		}
	}
	collect(reflect.TypeFor[Schedule]())
	broken := Schedule{Layers: []Layer{{Rotation: Rotation{Members: []string{""}}, Restrict: &Window{Weekdays: []string{"x"}, From: "9"}}},
		Overrides: []Override{{}}}
	err := broken.Validate()
	if err == nil {
		t.Fatal("Validate() = nil for a broken schedule")
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		path, _, _ := strings.Cut(line, ": ")
		for _, seg := range strings.Split(path, ".") {
			if name, _, _ := strings.Cut(seg, "["); !keys[name] {
				t.Errorf("%q names %q, which is no yaml key of Schedule", line, name)
			}
		}
	}
}
