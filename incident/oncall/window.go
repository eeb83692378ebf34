package oncall

import (
	"fmt"
	"strings"
	"time"
)

// Window restricts a Layer to recurring local hours, such as business hours.
// Its times are wall-clock times in the layer's Rotation.TimeZone.
type Window struct {
	// Weekdays are the days the window opens on: "mon" to "sun" or the full
	// English names, in any case. Empty means every day. A window that runs
	// overnight belongs to the day it opens on.
	Weekdays []string `yaml:"weekdays"`
	// From is when the window opens, as "HH:MM".
	From string `yaml:"from"`
	// To is when it closes, as "HH:MM" or "24:00". A To before From closes
	// the next day (e.g. "18:00" to "09:00"). Leave From and To both empty
	// for the whole day.
	To string `yaml:"to"`
}

// window is a Window parsed for arithmetic.
type window struct {
	days      [7]bool
	from, to  int // minutes after local midnight
	overnight bool
	loc       *time.Location
}

// weekdayNames maps the first three letters of a weekday's name to it.
var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// compile parses w for a layer whose rotation is in loc.
func (w Window) compile(loc *time.Location) (*window, []error) {
	var errs []error
	c := &window{loc: loc, to: 24 * 60}
	for i, name := range w.Weekdays {
		d, ok := parseWeekday(name)
		if !ok {
			errs = append(errs, fmt.Errorf("weekdays[%d]: %q is not a weekday; use mon to sun or the full English name", i, name))
			continue
		}
		c.days[d] = true
	}
	if len(w.Weekdays) == 0 {
		c.days = [7]bool{true, true, true, true, true, true, true}
	}
	switch {
	case w.From == "" && w.To == "":
	case w.From == "" || w.To == "":
		errs = append(errs, fmt.Errorf("from: %q with to %q; set both or neither (neither: the whole day)", w.From, w.To))
	default:
		var ferr, terr error
		if c.from, ferr = parseClock(w.From, false); ferr != nil {
			errs = append(errs, fmt.Errorf("from: %w", ferr))
		}
		if c.to, terr = parseClock(w.To, true); terr != nil {
			errs = append(errs, fmt.Errorf("to: %w", terr))
		}
		if ferr == nil && terr == nil && c.from == c.to {
			errs = append(errs, fmt.Errorf("from: %q is also to, an empty window; for the whole day use from \"00:00\" to \"24:00\"", w.From))
		}
		c.overnight = c.to < c.from
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// parseWeekday reads "mon", "Monday" and the like.
func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	d, ok := weekdayNames[s[:3]]
	if !ok || (len(s) > 3 && s != strings.ToLower(d.String())) {
		return 0, false
	}
	return d, true
}

// occurrence returns the window that opens on the given local day, if any.
func (w *window) occurrence(day int64) (open, close time.Time, ok bool) {
	if !w.days[weekdayOf(day)] {
		return time.Time{}, time.Time{}, false
	}
	closeDay := day
	if w.overnight {
		closeDay++
	}
	open, close = wallTime(day, w.from, w.loc), wallTime(closeDay, w.to, w.loc)
	// A window inside a daylight-saving gap can collapse to nothing.
	return open, close, open.Before(close)
}

// contains reports whether t falls inside an occurrence of the window.
func (w *window) contains(t time.Time) bool {
	day := civilDay(t.In(w.loc))
	// Only today's window or an overnight one from yesterday can hold t.
	for d := day - 1; d <= day; d++ {
		if open, close, ok := w.occurrence(d); ok && !t.Before(open) && t.Before(close) {
			return true
		}
	}
	return false
}

// nextEdge returns the first time after t at which the window opens or
// closes. There always is one, as a window opens at least once a week.
func (w *window) nextEdge(t time.Time) time.Time {
	day := civilDay(t.In(w.loc))
	var next time.Time
	for d := day - 1; d <= day+8; d++ {
		open, close, ok := w.occurrence(d)
		for _, e := range [2]time.Time{open, close} {
			if ok && e.After(t) && (next.IsZero() || e.Before(next)) {
				next = e
			}
		}
	}
	return next
}

// prevEdge returns the last time at or before t at which the window opened
// or closed.
func (w *window) prevEdge(t time.Time) time.Time {
	day := civilDay(t.In(w.loc))
	var prev time.Time
	for d := day - 8; d <= day; d++ {
		open, close, ok := w.occurrence(d)
		for _, e := range [2]time.Time{open, close} {
			if ok && !e.After(t) && e.After(prev) {
				prev = e
			}
		}
	}
	return prev
}
