package oncall

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A civil day is a local calendar date counted in days since 1970-01-01.
// Counting dates rather than instants is what keeps day- and week-based
// rotations on the same wall-clock time across daylight-saving changes.

const secondsPerDay = 24 * 60 * 60

// civilDay returns the day number of t's calendar date in t's location.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return dateDay(y, m, d)
}

// dateDay returns the day number of a calendar date.
func dateDay(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
}

// weekdayOf returns the weekday of a day number; day 0 was a Thursday.
func weekdayOf(day int64) time.Weekday {
	return time.Weekday(((day+4)%7 + 7) % 7)
}

// wallTime returns the instant at which clocks in loc show minute minutes
// after midnight of the given day. Go's time.Date leaves the choice open when
// the wall time is ambiguous or missing, so this resolves it the way
// calendars do (RFC 5545): a repeated wall time (clocks fall back) means its
// first occurrence, and a skipped one (clocks spring forward) is moved forward
// by the length of the gap, so 02:30 on the spring-forward night in Berlin
// becomes 03:30 CEST. minute may be 1440 for the end of the day.
func wallTime(day int64, minute int, loc *time.Location) time.Time {
	naive := day*secondsPerDay + int64(minute)*60
	var first, latest time.Time
	found := false
	// The offsets in force a day either side cover any transition near the
	// wall time: zones are never more than 14 hours away from UTC.
	for _, probe := range [2]int64{naive - secondsPerDay, naive + secondsPerDay} {
		_, offset := time.Unix(probe, 0).In(loc).Zone()
		cand := time.Unix(naive-int64(offset), 0).In(loc)
		if _, got := cand.Zone(); got == offset && (!found || cand.Before(first)) {
			first, found = cand, true
		}
		if latest.IsZero() || cand.After(latest) {
			latest = cand
		}
	}
	if found {
		return first
	}
	return latest
}

// parseClock parses a local wall-clock time "HH:MM" (24-hour) into minutes
// after midnight. allowEnd admits "24:00", the end of the day.
func parseClock(s string, allowEnd bool) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || !digits(hh, 1, 2) || !digits(mm, 2, 2) {
		return 0, fmt.Errorf("%q is not a time; write it as HH:MM in 24-hour local time, e.g. \"09:00\"", s)
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if allowEnd && h == 24 && m == 0 {
		return 24 * 60, nil
	}
	if h > 23 || m > 59 {
		last := "23:59"
		if allowEnd {
			last = "24:00"
		}
		return 0, fmt.Errorf("%q is out of range; use a time from 00:00 to %s, e.g. \"09:00\"", s, last)
	}
	return h*60 + m, nil
}

// parseDate parses a local calendar date "YYYY-MM-DD" into a day number.
func parseDate(s string) (int64, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date; write it as YYYY-MM-DD, e.g. \"2026-01-05\"", s)
	}
	return civilDay(d), nil
}

// digits reports whether s is between min and max ASCII digits long.
func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
