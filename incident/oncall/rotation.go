package oncall

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Unit is the unit a Rotation's length is counted in.
type Unit string

// The units a Rotation can step in. Hours step in absolute time; Days and
// Weeks step in local calendar days and always hand off at HandoffTime.
const (
	Hours Unit = "hours"
	Days  Unit = "days"
	Weeks Unit = "weeks"
)

// maxRotationDays bounds a rotation's length so that index arithmetic stays
// far from overflow; no one rotates less often than once a decade.
const maxRotationDays = 3653

// Rotation hands a shift from one member to the next every Every Units,
// starting with Members[0] at HandoffTime on the date Start, wall-clock time
// in TimeZone.
type Rotation struct {
	// Name identifies the rotation in error messages.
	Name string `yaml:"-"`
	// Members are the usernames on call, in turn.
	Members []string `yaml:"members"`
	// Every is how many Units a shift lasts; it must be positive.
	Every int `yaml:"every"`
	// Unit is "hours", "days" or "weeks" (the singular is accepted too).
	Unit Unit `yaml:"unit"`
	// HandoffTime is the local wall-clock time of the first handoff, and of
	// every handoff for Days and Weeks, as "HH:MM", e.g. "09:00".
	HandoffTime string `yaml:"handoff_time"`
	// Start is the local date of the first handoff as "YYYY-MM-DD". Before
	// it the rotation has nobody on call.
	Start string `yaml:"start"`
	// TimeZone is the IANA name of the zone the wall-clock fields are in,
	// e.g. "Europe/Berlin" or "UTC".
	TimeZone string `yaml:"time_zone"`
}

// rotation is a Rotation parsed for arithmetic.
type rotation struct {
	members    []string
	loc        *time.Location
	hourly     bool
	periodSec  int64 // shift length when hourly
	periodDays int64 // shift length in local days otherwise
	startDay   int64
	handoff    int // minutes after local midnight
	first      time.Time
}

// compile parses r, reporting every problem it finds.
func (r Rotation) compile() (*rotation, []error) {
	var errs []error
	c := &rotation{members: r.Members}
	if len(r.Members) == 0 {
		errs = append(errs, errors.New("members: empty; list the usernames on call, in turn, e.g. [alice, bob]"))
	}
	for i, m := range r.Members {
		if strings.TrimSpace(m) == "" {
			errs = append(errs, fmt.Errorf("members[%d]: empty; fill in a username or remove the entry", i))
		}
	}
	unit, ok := r.Unit.normalize()
	if !ok {
		errs = append(errs, fmt.Errorf("unit: %q is unknown; use %s, %s or %s", r.Unit, Hours, Days, Weeks))
	}
	if r.Every <= 0 {
		errs = append(errs, fmt.Errorf("every: %d; use a positive number of units, e.g. every: 1 with unit: weeks", r.Every))
	} else if ok {
		limit := map[Unit]int{Hours: maxRotationDays * 24, Days: maxRotationDays, Weeks: maxRotationDays / 7}[unit]
		if r.Every > limit {
			errs = append(errs, fmt.Errorf("every: %d %s is longer than ten years; shorten it", r.Every, unit))
		}
	}
	var err error
	if c.handoff, err = parseClock(r.HandoffTime, false); err != nil {
		errs = append(errs, fmt.Errorf("handoff_time: %w", err))
	}
	if c.startDay, err = parseDate(r.Start); err != nil {
		errs = append(errs, fmt.Errorf("start: %w", err))
	}
	if c.loc, err = loadZone(r.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("time_zone: %w", err))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	switch unit {
	case Hours:
		c.hourly, c.periodSec = true, int64(r.Every)*3600
	case Days:
		c.periodDays = int64(r.Every)
	case Weeks:
		c.periodDays = int64(r.Every) * 7
	}
	c.first = wallTime(c.startDay, c.handoff, c.loc)
	return c, nil
}

// normalize returns the canonical form of u, accepting any case and the
// singular.
func (u Unit) normalize() (Unit, bool) {
	switch s := strings.ToLower(strings.TrimSpace(string(u))); strings.TrimSuffix(s, "s") {
	case "hour":
		return Hours, true
	case "day":
		return Days, true
	case "week":
		return Weeks, true
	}
	return u, false
}

// loadZone loads an IANA time zone, refusing the empty name that
// time.LoadLocation would silently read as UTC.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, fmt.Errorf("empty; set an IANA time zone such as \"Europe/Berlin\" or \"UTC\"")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not a known IANA time zone (%w); use a name such as \"Europe/Berlin\" or \"UTC\"", name, err)
	}
	return loc, nil
}

// handoffAt returns the instant of the k-th handoff; the 0th is first.
func (r *rotation) handoffAt(k int64) time.Time {
	if r.hourly {
		return r.first.Add(time.Duration(k*r.periodSec) * time.Second)
	}
	return wallTime(r.startDay+k*r.periodDays, r.handoff, r.loc)
}

// indexAt returns the index of the shift containing t, or false before the
// first handoff. It works from t's local date, so its cost does not grow
// with the distance from Start.
func (r *rotation) indexAt(t time.Time) (int64, bool) {
	if t.Before(r.first) {
		return 0, false
	}
	if r.hourly {
		// first has no fraction of a second, so whole seconds suffice.
		return (t.Unix() - r.first.Unix()) / r.periodSec, true
	}
	k := floorDiv(civilDay(t.In(r.loc))-r.startDay, r.periodDays)
	// Today's handoff may still be ahead; a handoff pushed past midnight by
	// a daylight-saving gap may even be ahead of tomorrow's date.
	for k > 0 && t.Before(r.handoffAt(k)) {
		k--
	}
	return k, true
}

// member returns who is on call during shift k.
func (r *rotation) member(k int64) string {
	return r.members[k%int64(len(r.members))]
}

// cycle returns roughly how long it takes every member to have had a shift.
func (r *rotation) cycle() time.Duration {
	n := time.Duration(len(r.members))
	if r.hourly {
		return n * time.Duration(r.periodSec) * time.Second
	}
	return n * time.Duration(r.periodDays) * 25 * time.Hour
}

// floorDiv divides rounding towards negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
