package prometheus

import (
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// hline is a horizontal line across the plot at value y (the threshold).
type hline struct {
	y     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, tr := p.Transforms(&c)
	y := tr(h.y)
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

// vline is a vertical line across the plot at time x (the alert's start).
type vline struct {
	x     time.Time
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	tr, _ := p.Transforms(&c)
	x := tr(unixFloat(v.x))
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
}

// markerIn returns the graph's marker if it lies within the time axis.
func markerIn(g Graph, d prepared) *time.Time {
	if g.Marker == nil || g.Marker.Before(d.start) || g.Marker.After(d.end) {
		return nil
	}
	return g.Marker
}

// labelThreshold writes "threshold 2 s" in red next to the threshold line,
// at whichever end and side of it covers the fewest samples: lines usually
// cross the threshold at the right, where the alert is.
func labelThreshold(data draw.Canvas, p *plot.Plot, v float64, d prepared, unit unitSpec, sz sizes) {
	trX, trY := p.Transforms(&data)
	y := trY(v)
	if y < data.Min.Y || y > data.Max.Y {
		return
	}
	label := "threshold " + unit.format(v)
	gap := vg.Length(6 * sz.k)
	best, bestHits := text.Style{}, -1
	var bestPt vg.Point
	for _, xa := range []draw.XAlignment{draw.XLeft, draw.XRight} {
		for _, ya := range []draw.YAlignment{draw.YBottom, draw.YTop} {
			sty := textStyle(sz.text, true, thresholdColor)
			sty.XAlign, sty.YAlign = xa, ya
			pt := vg.Point{X: data.Min.X + gap, Y: y + gap}
			if xa == draw.XRight {
				pt.X = data.Max.X - gap
			}
			if ya == draw.YTop {
				pt.Y = y - gap
			}
			r := sty.Rectangle(label)
			r.Min, r.Max = r.Min.Add(pt), r.Max.Add(pt)
			if r.Min.Y < data.Min.Y || r.Max.Y > data.Max.Y {
				continue
			}
			if hits := samplesIn(r, d, trX, trY); bestHits < 0 || hits < bestHits {
				best, bestHits, bestPt = sty, hits, pt
			}
		}
	}
	if bestHits < 0 {
		return
	}
	// The backdrop stops short of the line, which stays visible under the label.
	r := paddedRect(best, bestPt, label, sz)
	if best.YAlign == draw.YBottom {
		r.Min.Y = max(r.Min.Y, y+2*vg.Length(sz.k))
	} else {
		r.Max.Y = min(r.Max.Y, y-2*vg.Length(sz.k))
	}
	data.SetColor(labelBackdrop)
	data.Fill(r.Path())
	data.FillText(best, bestPt, label)
}

// samplesIn counts how much of the lines passes through r: points every few
// pixels along each segment that fall inside.
func samplesIn(r vg.Rectangle, d prepared, trX, trY func(float64) vg.Length) int {
	n := 0
	in := func(p vg.Point) bool { return p.X >= r.Min.X && p.X <= r.Max.X && p.Y >= r.Min.Y && p.Y <= r.Max.Y }
	for _, l := range d.lines {
		for _, run := range l.runs {
			prev := vg.Point{X: trX(unixFloat(run[0].T)), Y: trY(run[0].V)}
			if in(prev) {
				n++
			}
			for _, pt := range run[1:] {
				next := vg.Point{X: trX(unixFloat(pt.T)), Y: trY(pt.V)}
				steps := int(math.Hypot(float64(next.X-prev.X), float64(next.Y-prev.Y))/3) + 1
				for k := 1; k <= steps; k++ {
					f := vg.Length(k) / vg.Length(steps)
					if in(vg.Point{X: prev.X + f*(next.X-prev.X), Y: prev.Y + f*(next.Y-prev.Y)}) {
						n++
					}
				}
				prev = next
			}
		}
	}
	return n
}

// labelMarker writes "alert started 10:11" above the plot at the marker,
// to its right, or to its left when it would run off the picture.
func labelMarker(data draw.Canvas, p *plot.Plot, at time.Time, g Graph, d prepared, sz sizes) {
	tr, _ := p.Transforms(&data)
	x := tr(unixFloat(at))
	sty := textStyle(sz.text, false, markerColor)
	sty.YAlign = draw.YBottom
	label := "alert started " + at.In(g.Location).Format("15:04")
	if at.Second() != 0 && d.end.Sub(d.start) < time.Hour {
		label = "alert started " + at.In(g.Location).Format("15:04:05")
	}
	gap := vg.Length(6 * sz.k)
	base := data.Max.Y + sz.tick/2 + gap
	pt := vg.Point{X: x + gap, Y: base}
	if x+gap+sty.Width(label) > data.Max.X+sz.pad {
		pt.X = x - gap
		sty.XAlign = draw.XRight
	}
	data.StrokeLine2(draw.LineStyle{Color: markerColor, Width: 2 * vg.Length(sz.k)}, x, data.Max.Y, x, base+sty.Height(label)*0.8)
	data.FillText(sty, pt, label)
}

// paddedRect is the area of a label drawn at pt, with a small margin: the
// translucent backdrop that keeps it readable over lines.
func paddedRect(sty text.Style, pt vg.Point, label string, sz sizes) vg.Rectangle {
	r := sty.Rectangle(label)
	m := vg.Length(3 * sz.k)
	r.Min = r.Min.Add(pt).Sub(vg.Point{X: m, Y: m})
	r.Max = r.Max.Add(pt).Add(vg.Point{X: m, Y: m})
	return r
}
