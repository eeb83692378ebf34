package prometheus

import (
	"time"

	"gonum.org/v1/plot"
)

// timeSteps are the distances between time-axis ticks, smallest first.
var timeSteps = []time.Duration{
	5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	2 * 24 * time.Hour, 7 * 24 * time.Hour,
}

// maxTimeTicks bounds the labelled ticks on the time axis: few enough that
// "Mon 02 15:04" labels never touch at 1000 pixels.
const maxTimeTicks = 7

// timeTicker places the time axis's ticks (data in Unix seconds) on round
// wall-clock times of loc: 10:00, 10:15, 10:30 in the channel's time zone.
type timeTicker struct{ loc *time.Location }

// Ticks implements plot.Ticker.
func (t timeTicker) Ticks(lo, hi float64) []plot.Tick {
	start, end := fromUnixSeconds(lo).In(t.loc), fromUnixSeconds(hi).In(t.loc)
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if end.Sub(start)/s <= maxTimeTicks {
			step = s
			break
		}
	}
	var ticks []plot.Tick
	prev := start
	for _, tm := range tickTimes(start, end, step) {
		ticks = append(ticks, plot.Tick{Value: unixFloat(tm), Label: tickLabel(tm, prev, step)})
		prev = tm
	}
	return ticks
}

// tickTimes returns the instants between start and end that are whole
// multiples of step counted from local midnight (whole days for steps of a
// day or more).
func tickTimes(start, end time.Time, step time.Duration) []time.Time {
	y, m, d := start.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, start.Location())
	var out []time.Time
	if step >= 24*time.Hour {
		days := int(step / (24 * time.Hour))
		for t := midnight; !t.After(end); t = t.AddDate(0, 0, days) {
			if !t.Before(start) {
				out = append(out, t)
			}
		}
		return out
	}
	first := midnight.Add((start.Sub(midnight) + step - 1) / step * step)
	for t := first; !t.After(end); t = t.Add(step) {
		out = append(out, t)
	}
	return out
}

// tickLabel labels a tick with the time of day, and with the date too when
// the day has changed since the previous tick (or the axis's start), so a
// graph spanning midnight cannot be misread.
func tickLabel(t, prev time.Time, step time.Duration) string {
	clock := "15:04"
	if step < time.Minute {
		clock = "15:04:05"
	}
	switch {
	case step >= 24*time.Hour:
		return t.Format("Mon Jan 2")
	case prev.YearDay() != t.YearDay() || prev.Year() != t.Year():
		return t.Format(clock + "\nMon Jan 2")
	}
	return t.Format(clock)
}

// timeAxisLabel names the day (or days) and the time zone of the time axis:
// "Sun Nov 22, Europe/Berlin (CET, UTC+01:00)".
func timeAxisLabel(start, end time.Time, loc *time.Location) string {
	start, end = start.In(loc), end.In(loc)
	days := start.Format("Mon Jan 2")
	if end.YearDay() != start.YearDay() || end.Year() != start.Year() {
		days += " – " + end.Format("Mon Jan 2")
	}
	return days + ", " + zoneLabel(loc, end)
}

// unixFloat is t in Unix seconds, the time axis's data coordinate.
func unixFloat(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// zoneLabel names loc for the time axis: "Europe/Berlin (CET)", "UTC",
// "UTC+05:30" for an unnamed fixed zone.
func zoneLabel(loc *time.Location, at time.Time) string {
	abbr := at.In(loc).Format("MST")
	offset := at.In(loc).Format("-07:00")
	name := loc.String()
	switch {
	case name == "UTC" || name == "" && offset == "+00:00":
		return "UTC"
	case abbr[0] == '+' || abbr[0] == '-': // the zone has no abbreviation
		if name == "" || name == "Local" {
			return "UTC" + offset
		}
		return name + " (UTC" + offset + ")"
	case name == "" || name == "Local" || name == abbr:
		return abbr + " (UTC" + offset + ")"
	}
	return name + " (" + abbr + ", UTC" + offset + ")"
}
