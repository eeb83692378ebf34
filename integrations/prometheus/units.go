package prometheus

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// scale is one display unit of a quantity: values are divided by factor and
// printed with suffix, after a space unless attach is set ("1.5k req/s",
// "5%", but "250 ms").
type scale struct {
	factor float64
	suffix string
	attach bool
}

// unitSpec is how values of one Graph.Unit are labelled.
type unitSpec struct {
	axis   string  // the axis label
	scales []scale // ascending factors; the first is used for small values
	times  float64 // multiplier applied before scaling ("ratio" shows percent)
}

var (
	secondScales = []scale{{1e-6, "µs", false}, {1e-3, "ms", false}, {1, "s", false},
		{60, "min", false}, {3600, "h", false}, {86400, "d", false}}
	byteScales = []scale{{1, "B", false}, {1 << 10, "KiB", false}, {1 << 20, "MiB", false},
		{1 << 30, "GiB", false}, {1 << 40, "TiB", false}, {1 << 50, "PiB", false}}
	percentScales = []scale{{1, "%", true}}
)

// siScales returns plain, k, M, G, T multiples of a unit named u ("" for
// none): "950 req/s", "1.5k req/s".
func siScales(u string) []scale {
	if u != "" {
		u = " " + u
	}
	return []scale{{1, strings.TrimSpace(u), false}, {1e3, "k" + u, true}, {1e6, "M" + u, true},
		{1e9, "G" + u, true}, {1e12, "T" + u, true}}
}

// unitFor interprets Graph.Unit. Known units get human multiples: "s"
// (µs … d), "bytes" (B, KiB, MiB …, IEC), "bytes/s", "%" (values already in
// percent), "ratio" (0–1, shown as percent). Any other unit (for example
// "req/s") is printed after the number with k, M, G multiples.
func unitFor(u string) unitSpec {
	switch strings.TrimSpace(u) {
	case "s", "seconds":
		return unitSpec{axis: "seconds", scales: secondScales, times: 1}
	case "bytes", "B":
		return unitSpec{axis: "bytes", scales: byteScales, times: 1}
	case "bytes/s", "B/s":
		return unitSpec{axis: "bytes per second", scales: withSuffix(byteScales, "/s"), times: 1}
	case "%", "percent":
		return unitSpec{axis: "percent", scales: percentScales, times: 1}
	case "ratio", "percentunit":
		return unitSpec{axis: "percent", scales: percentScales, times: 100}
	case "":
		return unitSpec{scales: siScales(""), times: 1}
	default:
		return unitSpec{axis: u, scales: siScales(u), times: 1}
	}
}

// withSuffix returns scales with s appended to every suffix.
func withSuffix(scales []scale, s string) []scale {
	out := make([]scale, len(scales))
	for i, sc := range scales {
		out[i] = scale{sc.factor, sc.suffix + s, sc.attach}
	}
	return out
}

// pick returns the largest scale whose factor does not exceed the magnitude
// m, so that the numbers on an axis stay between about 1 and 1000.
func (u unitSpec) pick(m float64) scale {
	best := u.scales[0]
	for _, sc := range u.scales {
		if m >= sc.factor {
			best = sc
		}
	}
	return best
}

// format prints v (in the graph's unit) with the scale that suits v itself,
// for labels such as a legend's last value or the threshold.
func (u unitSpec) format(v float64) string {
	v *= u.times
	if v == 0 {
		return u.zero()
	}
	sc := u.pick(math.Abs(v))
	return sc.join(strconv.FormatFloat(roundSig(v/sc.factor, 3), 'f', -1, 64))
}

// zero is how zero is written: in the unit itself ("0 s", "0 B", "0 req/s").
func (u unitSpec) zero() string {
	for _, sc := range u.scales {
		if sc.factor == 1 {
			return sc.join("0")
		}
	}
	return u.scales[0].join("0")
}

// join writes a number (already divided by the factor) with the suffix.
func (sc scale) join(num string) string {
	if sc.attach || sc.suffix == "" {
		return num + sc.suffix
	}
	return num + " " + sc.suffix
}

// roundSig rounds v to n significant digits.
func roundSig(v float64, n int) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	p := math.Pow(10, float64(n)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// valueTicker places the value axis's ticks at round numbers of the unit
// that suits the axis's largest value (250 ms steps rather than 0.25 s), and
// labels each with the unit that suits it: 0 s, 250 ms, 500 ms, 750 ms, 1 s.
type valueTicker struct {
	unit  unitSpec
	count int // labelled ticks to aim at
}

// Ticks implements plot.Ticker.
func (t valueTicker) Ticks(lo, hi float64) []plot.Tick {
	mul := t.unit.times
	sc := t.unit.pick(math.Max(math.Abs(lo*mul), math.Abs(hi*mul)))
	k := mul / sc.factor // data value -> displayed number
	vals, _ := niceTicks(lo*k, hi*k, max(t.count, 2))
	ticks := make([]plot.Tick, len(vals))
	for i, v := range vals {
		label := t.unit.zero()
		if v != 0 {
			label = t.unit.format(v / k)
		}
		ticks[i] = plot.Tick{Value: v / k, Label: label}
	}
	return ticks
}

// niceTicks returns the multiples between lo and hi of the round step (1,
// 2, 2.5 or 5 times a power of ten) that gives closest to n ticks, and the
// step.
func niceTicks(lo, hi float64, n int) ([]float64, float64) {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return nil, 0
	}
	span := hi - lo
	mag := math.Pow(10, math.Floor(math.Log10(span/float64(n))))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if math.Abs(span/(m*mag)-float64(n)) < math.Abs(span/step-float64(n)) {
			step = m * mag
		}
	}
	var out []float64
	for i := math.Ceil(lo/step - 1e-9); i*step <= hi+step*1e-9; i++ {
		v := i * step
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		out = append(out, v)
	}
	return out, step
}
