package prometheus

import "time"

// niceSteps are the steps StepFor rounds up to: round numbers keep points on
// the same wall-clock instants from one graph to the next.
var niceSteps = []time.Duration{
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// DefaultPoints is the number of points per series StepFor aims at when
// asked for none: enough for a smooth line 1000 pixels wide.
const DefaultPoints = 300

// StepFor returns the query step that gives about targetPoints points (at
// most that many) between start and end, rounded up to a round duration
// (1s, 2s, 5s, 10s, 15s, 30s, 1m, ...). It is never below one second and
// never so small that Prometheus's limit of 11,000 points per series is hit.
// targetPoints <= 0 means DefaultPoints.
func StepFor(start, end time.Time, targetPoints int) time.Duration {
	if targetPoints <= 0 {
		targetPoints = DefaultPoints
	}
	targetPoints = min(targetPoints, maxPoints-1)
	span := end.Sub(start)
	if span <= 0 {
		return time.Second
	}
	raw := (span + time.Duration(targetPoints) - 1) / time.Duration(targetPoints) // ceil
	for _, s := range niceSteps {
		if s >= raw {
			return s
		}
	}
	// Beyond a day: whole days.
	return (raw + 24*time.Hour - 1) / (24 * time.Hour) * (24 * time.Hour)
}
