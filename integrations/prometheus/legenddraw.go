package prometheus

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendEntry is one legend item: a colour swatch (none for the "+N more"
// note), the series name and its last value.
type legendEntry struct {
	name, value string
	color       color.Color
}

// legendLayout is a legend laid out in columns below the plot, where it
// cannot cover any line.
type legendLayout struct {
	entries        []legendEntry
	name, value    text.Style
	cols, rows     int
	colW, rowH     vg.Length
	swatch, gap, w vg.Length
}

// layoutLegend fits the legend into width: as many columns as the entries
// allow, names shortened with an ellipsis so that there are at least two
// columns when there are two entries.
func layoutLegend(d prepared, unit unitSpec, sz sizes, width vg.Length) legendLayout {
	l := legendLayout{
		name:   textStyle(sz.text, false, textColor),
		value:  textStyle(sz.text, false, mutedColor),
		swatch: vg.Length(28 * sz.k),
		gap:    vg.Length(8 * sz.k),
		w:      sz.line * 1.6,
	}
	l.name.YAlign, l.value.YAlign = draw.YCenter, draw.YCenter
	for i, ln := range d.lines {
		l.entries = append(l.entries, legendEntry{name: ln.name, value: "last " + unit.format(ln.last), color: palette[i%len(palette)]})
	}
	if d.hidden > 0 {
		l.entries = append(l.entries, legendEntry{name: fmt.Sprintf("+%d more series (the %d highest shown)", d.hidden, len(d.lines))})
	}
	colGap := vg.Length(30 * sz.k)
	maxW := width
	if len(l.entries) > 1 {
		maxW = (width - colGap) / 2
	}
	var widest vg.Length
	for i, e := range l.entries {
		fixed := l.valueWidth(e)
		if e.color != nil {
			fixed += l.swatch + l.gap
		}
		e.name = truncate(l.name, e.name, maxW-fixed)
		l.entries[i] = e
		widest = max(widest, fixed+l.name.Width(e.name))
	}
	l.colW = widest + colGap
	l.cols = max(1, min(len(l.entries), int((width+colGap)/l.colW)))
	l.rows = (len(l.entries) + l.cols - 1) / l.cols
	l.rowH = l.name.Height("Ag") * 1.35
	return l
}

// valueWidth is the room the entry's value takes after its name.
func (l legendLayout) valueWidth(e legendEntry) vg.Length {
	if e.value == "" {
		return 0
	}
	return l.value.Width("   " + e.value)
}

// height is the legend's height.
func (l legendLayout) height() vg.Length { return vg.Length(l.rows) * l.rowH }

// draw draws the legend with its top left corner at at, row by row.
func (l legendLayout) draw(c draw.Canvas, at vg.Point) {
	for i, e := range l.entries {
		x := at.X + vg.Length(i%l.cols)*l.colW
		y := at.Y - vg.Length(i/l.cols)*l.rowH - l.rowH/2
		if e.color == nil {
			c.FillText(l.value, vg.Point{X: x, Y: y}, e.name)
			continue
		}
		c.StrokeLine2(draw.LineStyle{Color: e.color, Width: l.w}, x, y, x+l.swatch, y)
		x += l.swatch + l.gap
		c.FillText(l.name, vg.Point{X: x, Y: y}, e.name)
		if e.value != "" {
			c.FillText(l.value, vg.Point{X: x + l.name.Width(e.name), Y: y}, "   "+e.value)
		}
	}
}
