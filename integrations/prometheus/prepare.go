package prometheus

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// line is one series as drawn: its legend name, last finite value, and its
// samples cut into runs without gaps.
type line struct {
	name string
	last float64
	peak float64
	runs [][]Point
}

// prepared is a Graph reduced to what is drawn.
type prepared struct {
	lines      []line // most important (highest peak) first
	hidden     int    // series with data that were left out (over MaxSeries)
	start, end time.Time
	lo, hi     float64 // value axis range
}

// prepare selects the limit series with the highest peaks, cuts them into
// runs and computes the axis ranges. It returns ErrNoData when no series has
// a finite value in the time range.
func prepare(g Graph, limit int) (prepared, error) {
	var d prepared
	type candidate struct {
		s    Series
		l    line
		dmin float64
	}
	var cands []candidate
	for _, s := range g.Series {
		l, lo, ok := cut(s.Points, g.Start, g.End)
		if ok {
			cands = append(cands, candidate{s, l, lo})
		}
	}
	if len(cands) == 0 {
		return d, ErrNoData
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return cmp.Compare(b.l.peak, a.l.peak) })
	if len(cands) > limit {
		d.hidden = len(cands) - limit
		cands = cands[:limit]
	}
	series := make([]Series, len(cands))
	for i, c := range cands {
		series[i] = c.s
	}
	names := seriesNames(series, "value")
	d.lo, d.hi = math.Inf(1), math.Inf(-1)
	for i, c := range cands {
		c.l.name = names[i]
		d.lines = append(d.lines, c.l)
		d.lo, d.hi = math.Min(d.lo, c.dmin), math.Max(d.hi, c.l.peak)
	}
	d.start, d.end = timeRange(g, d.lines)
	if th := threshold(g); th != nil {
		d.lo, d.hi = math.Min(d.lo, *th), math.Max(d.hi, *th)
	}
	d.lo, d.hi = valueRange(d.lo, d.hi)
	return d, nil
}

// cut keeps the finite samples of points within [start, end] (zero bounds
// are open) and splits them into runs wherever a sample is NaN or ±Inf or
// missing (a gap of more than 2.5 times the usual spacing). It reports the
// minimum value and false when no finite sample remains.
func cut(points []Point, start, end time.Time) (line, float64, bool) {
	l := line{peak: math.Inf(-1)}
	lo := math.Inf(1)
	maxGap := 5 * usualSpacing(points) / 2
	var run []Point
	flush := func() {
		if len(run) > 0 {
			l.runs = append(l.runs, run)
			run = nil
		}
	}
	for _, p := range points {
		if (!start.IsZero() && p.T.Before(start)) || (!end.IsZero() && p.T.After(end)) {
			continue
		}
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			flush()
			continue
		}
		if len(run) > 0 && p.T.Sub(run[len(run)-1].T) > maxGap {
			flush()
		}
		run = append(run, p)
		l.last = p.V
		l.peak = math.Max(l.peak, p.V)
		lo = math.Min(lo, p.V)
	}
	flush()
	return l, lo, len(l.runs) > 0
}

// usualSpacing is the median distance between consecutive samples (the
// query's step, normally); a minute when there are too few to tell.
func usualSpacing(points []Point) time.Duration {
	var ds []time.Duration
	for i := 1; i < len(points); i++ {
		if d := points[i].T.Sub(points[i-1].T); d > 0 {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return time.Minute
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// timeRange is the graph's Start and End, or the extent of the data where
// they are zero; never empty.
func timeRange(g Graph, lines []line) (time.Time, time.Time) {
	start, end := g.Start, g.End
	if start.IsZero() || end.IsZero() {
		var first, last time.Time
		for _, l := range lines {
			for _, r := range l.runs {
				if first.IsZero() || r[0].T.Before(first) {
					first = r[0].T
				}
				if t := r[len(r)-1].T; t.After(last) {
					last = t
				}
			}
		}
		if start.IsZero() {
			start = first
		}
		if end.IsZero() {
			end = last
		}
	}
	if !end.After(start) {
		start, end = start.Add(-time.Minute), end.Add(time.Minute)
	}
	return start, end
}

// valueRange pads the data's range for drawing: it starts at zero when the
// values are positive and zero is not far off (so a rise is seen as a rise,
// not as a cliff), keeps lines off the axis, leaves headroom at the top for
// labels, and puts a flat line in the middle.
func valueRange(lo, hi float64) (float64, float64) {
	if lo == hi {
		switch {
		case lo > 0:
			return 0, 2 * lo
		case lo < 0:
			return 2 * lo, 0
		}
		return -1, 1
	}
	if lo > 0 && lo < hi/2 {
		lo = 0
	}
	span := hi - lo
	return lo - span*0.04, hi + span*0.12
}
