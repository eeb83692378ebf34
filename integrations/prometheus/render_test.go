package prometheus

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

// synthetic returns n series of a sine wave with 15 s steps over the hour
// before end.
func synthetic(n int, end time.Time) []Series {
	var out []Series
	for i := range n {
		s := Series{Labels: map[string]string{"__name__": "latency_seconds", "job": "api", "instance": fmt.Sprintf("api-%d:9090", i)}}
		for tm := end.Add(-time.Hour); !tm.After(end); tm = tm.Add(15 * time.Second) {
			s.Points = append(s.Points, Point{tm, 1 + 0.1*float64(i) + 0.5*math.Sin(float64(tm.Unix())/600+float64(i))})
		}
		out = append(out, s)
	}
	return out
}

// pictureStats decodes a PNG, checks its size and counts what is on it.
type pictureStats struct {
	img     image.Image
	colours int // distinct colours
	inked   int // pixels that are not white
}

func decodePNG(t *testing.T, b []byte, w, h int) pictureStats {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		t.Fatalf("size %v, want %dx%d", got, w, h)
	}
	st := pictureStats{img: img}
	seen := map[color.RGBA]bool{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			seen[c] = true
			if c != (color.RGBA{0xff, 0xff, 0xff, 0xff}) {
				st.inked++
			}
		}
	}
	st.colours = len(seen)
	return st
}

// near counts the pixels within a small distance of c (anti-aliasing blends
// line edges; line centres keep the colour).
func (st pictureStats) near(c color.RGBA) int { return st.nearIn(c, st.img.Bounds()) }

// inPlot counts the pixels near c above the legend (which takes at most the
// bottom 30% and holds a swatch of every series' colour).
func (st pictureStats) inPlot(c color.RGBA) int {
	b := st.img.Bounds()
	b.Max.Y = b.Min.Y + b.Dy()*65/100
	return st.nearIn(c, b)
}

// nearIn counts the pixels within b near c.
func (st pictureStats) nearIn(c color.RGBA, b image.Rectangle) int {
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := color.RGBAModel.Convert(st.img.At(x, y)).(color.RGBA)
			d := math.Abs(float64(p.R)-float64(c.R)) + math.Abs(float64(p.G)-float64(c.G)) + math.Abs(float64(p.B)-float64(c.B))
			if d < 30 {
				n++
			}
		}
	}
	return n
}

func TestRenderDrawsEverything(t *testing.T) {
	end := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	th, marker := 1.6, end.Add(-20*time.Minute)
	b, err := Render(Graph{Title: "latency", Series: synthetic(3, end), Start: end.Add(-time.Hour), End: end,
		Unit: "s", Threshold: &th, Marker: &marker})
	if err != nil {
		t.Fatal(err)
	}
	st := decodePNG(t, b, 1000, 500)
	if st.colours < 20 || st.inked < 20000 {
		t.Errorf("picture looks blank: %d colours, %d inked pixels", st.colours, st.inked)
	}
	for i, c := range palette[:3] {
		if n := st.inPlot(c); n < 500 {
			t.Errorf("series %d (colour %v): only %d pixels", i, c, n)
		}
	}
	if n := st.near(palette[3]); n > 0 {
		t.Errorf("colour of a fourth series drawn on %d pixels, but there are 3 series", n)
	}
	if n := st.near(thresholdColor); n < 400 {
		t.Errorf("threshold line: only %d red pixels", n)
	}
	if n := st.near(markerColor); n < 150 {
		t.Errorf("marker line: only %d pixels", n)
	}
}

func TestRenderSizes(t *testing.T) {
	end := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	for _, size := range [][2]int{{480, 240}, {600, 300}, {1600, 800}, {1000, 1000}} {
		th, marker := 1.2, end.Add(-time.Minute)
		b, err := Render(Graph{Title: "a title", Series: synthetic(12, end), Width: size[0], Height: size[1], Threshold: &th, Marker: &marker})
		if err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		// The legend must leave the plot room: every drawn series shows.
		st := decodePNG(t, b, size[0], size[1])
		for i, c := range palette[:5] {
			if n := st.inPlot(c); n < size[0]/10 {
				t.Errorf("%v: series %d has only %d pixels", size, i, n)
			}
		}
	}
	for _, g := range []Graph{{Width: -1}, {Width: 400, Height: 300}, {Width: 600, Height: 200}, {Width: 9000}} {
		g.Series = synthetic(1, end)
		if _, err := Render(g); incident.ErrorKind(err) != incident.KindInvalid {
			t.Errorf("%dx%d: err = %v, want KindInvalid", g.Width, g.Height, err)
		}
	}
	if _, err := Render(Graph{Series: synthetic(1, end), Start: end, End: end.Add(-time.Hour)}); incident.ErrorKind(err) != incident.KindInvalid {
		t.Errorf("reversed range: err = %v, want KindInvalid", err)
	}
}

func TestRenderNoData(t *testing.T) {
	end := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	nan := Series{Labels: map[string]string{"job": "a"}, Points: []Point{{end, math.NaN()}, {end.Add(time.Minute), math.Inf(1)}}}
	outside := synthetic(1, end.Add(-3*time.Hour))
	tests := []struct {
		name string
		g    Graph
	}{
		{"no series", Graph{Title: "x"}},
		{"series without points", Graph{Series: []Series{{Labels: map[string]string{"a": "b"}}}}},
		{"only NaN and Inf", Graph{Series: []Series{nan, nan}}},
		{"data outside the range", Graph{Series: outside, Start: end.Add(-time.Hour), End: end}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Render(tt.g)
			if !errors.Is(err, ErrNoData) || b != nil {
				t.Errorf("Render = %d bytes, %v; want ErrNoData", len(b), err)
			}
			if incident.ErrorKind(err) != incident.KindNotFound {
				t.Errorf("kind = %s", incident.ErrorKind(err))
			}
		})
	}
}

func TestRenderOddData(t *testing.T) {
	end := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	one := func(vs ...float64) []Series {
		s := Series{Labels: map[string]string{}}
		for i, v := range vs {
			s.Points = append(s.Points, Point{end.Add(time.Duration(i-len(vs)) * time.Minute), v})
		}
		return []Series{s}
	}
	berlin := time.FixedZone("CET", 3600)
	th := 0.0
	tests := []struct {
		name string
		g    Graph
	}{
		{"single point", Graph{Series: one(5)}},
		{"flat zero", Graph{Series: one(0, 0, 0)}},
		{"flat negative", Graph{Series: one(-3, -3)}},
		{"gaps and Inf", Graph{Series: one(1, math.NaN(), 2, math.Inf(1), 3, 4)}},
		{"threshold far off", Graph{Series: one(1, 2, 3), Threshold: &th, Unit: "bytes"}},
		{"marker outside range", Graph{Series: one(1, 2), Marker: &end, Start: end.Add(-time.Hour), End: end.Add(-time.Minute)}},
		{"huge values", Graph{Series: one(1e15, 3e15), Unit: "bytes/s", Location: berlin}},
		{"tiny values", Graph{Series: one(1e-7, 3e-6), Unit: "s"}},
		{"long title and labels", Graph{Title: strings.Repeat("very long alert title ", 20), Series: synthetic(25, end)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Render(tt.g)
			if err != nil {
				t.Fatal(err)
			}
			if st := decodePNG(t, b, 1000, 500); st.inPlot(palette[0]) < 20 {
				t.Errorf("the series is not drawn (%d pixels of its colour)", st.inPlot(palette[0]))
			}
		})
	}
}

func TestPrepareSelectsHighestPeaks(t *testing.T) {
	end := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	d, err := prepare(Graph{Series: synthetic(14, end)}, MaxSeries)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.lines) != MaxSeries || d.hidden != 4 {
		t.Fatalf("%d lines, %d hidden; want %d, 4", len(d.lines), d.hidden, MaxSeries)
	}
	for i := 1; i < len(d.lines); i++ {
		if d.lines[i].peak > d.lines[i-1].peak {
			t.Errorf("line %d peaks higher than line %d", i, i-1)
		}
	}
	if d.lines[0].name != "instance=api-13:9090" {
		t.Errorf("first line is %q, want the highest, api-13", d.lines[0].name)
	}
}

func TestCutSplitsAtGaps(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	at := func(s int, v float64) Point { return Point{t0.Add(time.Duration(s) * time.Second), v} }
	pts := []Point{at(0, 1), at(15, 2), at(30, math.NaN()), at(45, 3), at(60, 4), at(150, 5), at(165, math.Inf(-1))}
	l, lo, ok := cut(pts, time.Time{}, time.Time{})
	if !ok || lo != 1 || l.peak != 5 || l.last != 5 {
		t.Fatalf("cut = %+v, %v, %v", l, lo, ok)
	}
	var sizes []int
	for _, r := range l.runs {
		sizes = append(sizes, len(r))
	}
	if fmt.Sprint(sizes) != "[2 2 1]" {
		t.Errorf("runs of %v, want [2 2 1] (NaN, a 90 s gap)", sizes)
	}
}
