package prometheus

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette holds distinct series colours (D3's category10 without its red,
// which is the threshold's, and its grey, which is the marker's).
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x39, 0x3b, 0x79, 0xff}, // navy
	{0xe7, 0xba, 0x52, 0xff}, // gold
}

var (
	thresholdColor = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	markerColor    = color.RGBA{0x33, 0x33, 0x33, 0xff}
	textColor      = color.RGBA{0x22, 0x22, 0x22, 0xff}
	mutedColor     = color.RGBA{0x66, 0x66, 0x66, 0xff}
	gridColor      = color.RGBA{0xe4, 0xe4, 0xe4, 0xff}
	labelBackdrop  = color.NRGBA{0xff, 0xff, 0xff, 0xd8}
)

// sans is the typeface of all text: Liberation Sans, embedded in gonum/plot,
// so the picture looks the same on every machine (plot.DefaultFont is the
// serif variant).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// sizes are the lengths of one picture, in pixels, grown or shrunk with it
// so that text stays readable when a chat client scales the picture down.
type sizes struct {
	k                 float64 // 1 at 1000x500
	title, text, tick vg.Length
	pad, line         vg.Length
}

// sizesFor scales the lengths to the picture: type for 1000x500 is 24 px
// for the title and 17 px elsewhere.
func sizesFor(width, height int) sizes {
	k := min(float64(width)/1000, float64(height)/500)
	k = max(0.7, min(k, 3))
	l := func(px float64) vg.Length { return vg.Length(px * k) }
	return sizes{k: k, title: l(24), text: l(17), tick: l(17), pad: l(14), line: l(2.5)}
}

// textStyle is the plot's text style at size sz.
func textStyle(sz vg.Length, bold bool, c color.Color) text.Style {
	f := font.From(sans, sz)
	if bold {
		// golang.org/x/image/font.WeightBold (CSS 700), written as its value so
		// that this package depends on gonum/plot alone.
		f.Weight = 3
	}
	return text.Style{Color: c, Font: f, Handler: plot.DefaultTextHandler}
}

// dashed is a dashed line style of colour c and width w.
func dashed(c color.Color, w vg.Length, on, off vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: w, Dashes: []vg.Length{on, off}}
}

// truncate shortens s with an ellipsis until it is at most w wide in sty.
func truncate(sty text.Style, s string, w vg.Length) string {
	if sty.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && sty.Width(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
