package prometheus

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/warroom/warroom/incident"
)

// drawGraph lays the picture out top to bottom: title, a row for the
// marker's label, the plot, the legend.
func drawGraph(c draw.Canvas, g Graph, d prepared) error {
	sz := sizesFor(g.Width, g.Height)
	unit := unitFor(g.Unit)
	top := c.Max.Y - sz.pad
	if g.Title != "" {
		sty := textStyle(sz.title, true, textColor)
		sty.YAlign = draw.YTop
		c.FillText(sty, vg.Point{X: c.Min.X + sz.pad, Y: top}, truncate(sty, g.Title, c.Size().X-2*sz.pad))
		top -= sty.Height(g.Title) + sz.pad/2
	}
	marker := markerIn(g, d)
	if marker != nil {
		top -= textStyle(sz.text, false, nil).Height("A") + sz.pad/2
	}
	top -= sz.tick / 2 // the top tick label reaches above the plot

	leg := layoutLegend(d, unit, sz, c.Size().X-2*sz.pad)
	bottom := c.Min.Y + sz.pad + leg.height() + sz.pad

	// About one labelled value tick per 2.6 lines of tick text in the data area
	// (the plot less the time axis' two lines of labels and its title).
	dataH := top - bottom - 4*sz.tick
	p, err := buildPlot(g, d, valueTicker{unit, max(3, min(8, int(dataH/(2.6*sz.tick))))}, sz)
	if err != nil {
		return err
	}
	plotC := draw.Crop(c, sz.pad, -2*sz.pad, bottom-c.Min.Y, top-c.Max.Y)
	p.Draw(plotC)
	data := p.DataCanvas(plotC)
	if th := threshold(g); th != nil {
		labelThreshold(data, p, *th, d, unit, sz)
	}
	if marker != nil {
		labelMarker(data, p, *marker, g, d, sz)
	}
	leg.draw(c, vg.Point{X: c.Min.X + sz.pad, Y: bottom - sz.pad})
	return nil
}

// buildPlot makes the plot: axes, grid, series, threshold and marker lines.
func buildPlot(g Graph, d prepared, yt valueTicker, sz sizes) (*plot.Plot, error) {
	p := plot.New()
	p.BackgroundColor = color.White
	p.X.Min, p.X.Max = unixFloat(d.start), unixFloat(d.end)
	p.Y.Min, p.Y.Max = d.lo, d.hi
	p.X.Tick.Marker = timeTicker{g.Location}
	p.Y.Tick.Marker = yt
	p.X.Label.Text = timeAxisLabel(d.start, d.end, g.Location)
	p.Y.Label.Text = yt.unit.axis
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Padding = 0
		a.Color = mutedColor
		a.Width = vg.Length(sz.k)
		a.Tick.Color = mutedColor
		a.Tick.Width = vg.Length(sz.k)
		a.Tick.Length = vg.Length(6 * sz.k)
		a.Tick.Label.Font = font.From(sans, sz.tick)
		a.Tick.Label.Color = textColor
		a.Label.TextStyle.Font = font.From(sans, sz.text)
		a.Label.TextStyle.Color = mutedColor
		a.Label.Padding = vg.Length(4 * sz.k)
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = gridColor, gridColor
	grid.Vertical.Width, grid.Horizontal.Width = vg.Length(sz.k), vg.Length(sz.k)
	p.Add(grid)

	// The most important series last, so that it is drawn on top.
	for i := len(d.lines) - 1; i >= 0; i-- {
		if err := addLine(p, d.lines[i], palette[i%len(palette)], sz); err != nil {
			return nil, err
		}
	}
	if th := threshold(g); th != nil {
		p.Add(hline{y: *th, style: dashed(thresholdColor, 2*vg.Length(sz.k), vg.Length(10*sz.k), vg.Length(6*sz.k))})
	}
	if m := markerIn(g, d); m != nil {
		p.Add(vline{x: *m, style: dashed(markerColor, 2*vg.Length(sz.k), vg.Length(6*sz.k), vg.Length(4*sz.k))})
	}
	return p, nil
}

// threshold returns the graph's threshold if it is set and finite.
func threshold(g Graph) *float64 {
	if g.Threshold == nil || math.IsNaN(*g.Threshold) || math.IsInf(*g.Threshold, 0) {
		return nil
	}
	return g.Threshold
}

// addLine adds one series: a line per run of samples, a dot for a lone one.
func addLine(p *plot.Plot, l line, c color.Color, sz sizes) error {
	for _, run := range l.runs {
		xys := make(plotter.XYs, len(run))
		for i, pt := range run {
			xys[i] = plotter.XY{X: unixFloat(pt.T), Y: pt.V}
		}
		if len(run) == 1 {
			s, err := plotter.NewScatter(xys)
			if err != nil {
				return incident.Errorf(incident.KindInternal, "graph series %q: %w", l.name, err)
			}
			s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: 1.6 * sz.line, Shape: draw.CircleGlyph{}}
			p.Add(s)
			continue
		}
		ln, err := plotter.NewLine(xys)
		if err != nil {
			return incident.Errorf(incident.KindInternal, "graph series %q: %w", l.name, err)
		}
		ln.LineStyle = draw.LineStyle{Color: c, Width: sz.line}
		p.Add(ln)
	}
	return nil
}
