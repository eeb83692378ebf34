package oncall

import (
	"testing"
	"time"
)

// zone loads an IANA zone or stops the test.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

// local reads "2006-01-02 15:04" or "2006-01-02 15:04 -0700" in loc; the
// explicit offset picks one of the two instants of a repeated wall time.
func local(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04 -0700", "2006-01-02 15:04"} {
		if v, err := time.ParseInLocation(layout, s, loc); err == nil {
			return v
		}
	}
	t.Fatalf("bad test time %q", s)
	return time.Time{}
}

// sameShift reports whether two shifts agree, comparing instants rather
// than locations.
func sameShift(a, b Shift) bool {
	return a.User == b.User && a.Layer == b.Layer && a.Override == b.Override &&
		a.Start.Equal(b.Start) && a.End.Equal(b.End)
}

// checkShift fails the test unless got is want.
func checkShift(t *testing.T, got Shift, gotOK bool, want Shift, wantOK bool) {
	t.Helper()
	if gotOK != wantOK || (wantOK && !sameShift(got, want)) {
		t.Errorf("got  %s, %v\nwant %s, %v", show(got), gotOK, show(want), wantOK)
	}
}

// show formats a shift for test failures.
func show(s Shift) string {
	kind := s.Layer
	if s.Override {
		kind = "override"
	}
	return s.User + " (" + kind + ") " + s.Start.Format("2006-01-02 15:04 MST") + " .. " +
		s.End.Format("2006-01-02 15:04 MST") + " [" + s.End.Sub(s.Start).String() + "]"
}

// weekly is the rotation most tests use: alice, bob and carol take a week
// each from Monday 09:00 in Berlin, starting 2026-01-05.
func weekly() Rotation {
	return Rotation{
		Name:        "primary",
		Members:     []string{"alice", "bob", "carol"},
		Every:       1,
		Unit:        Weeks,
		HandoffTime: "09:00",
		Start:       "2026-01-05",
		TimeZone:    "Europe/Berlin",
	}
}

// single wraps one rotation in a schedule with one layer.
func single(r Rotation, overrides ...Override) Schedule {
	return Schedule{Name: "test", Layers: []Layer{{Name: "main", Rotation: r}}, Overrides: overrides}
}
