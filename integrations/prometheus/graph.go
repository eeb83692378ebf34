package prometheus

import (
	"bytes"
	"image"
	"image/png"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/warroom/warroom/incident"
)

// Graph is what Render draws: series over a time range, with the alert's
// threshold and the moment it started.
type Graph struct {
	// Title is drawn at the top left (for example the alert name and query).
	Title string
	// Series are the data. At most MaxSeries are drawn (those with the highest
	// peak); the legend says how many more there were.
	Series []Series
	// Start and End bound the time axis; zero values mean the data's extent.
	Start, End time.Time
	// Location is the time zone of the time axis, the channel's; nil is UTC.
	Location *time.Location
	// Unit of the values: "s", "bytes", "bytes/s", "%" (0–100), "ratio" (0–1,
	// shown as percent), or any other word such as "req/s". It labels the
	// value axis and the numbers (250 ms, 1.5 GiB, 3.2k req/s).
	Unit string
	// Threshold, when set, is drawn as a dashed red line labelled with its value.
	Threshold *float64
	// Marker, when set and within the time range, is drawn as a vertical line
	// labelled "alert started" and the time.
	Marker *time.Time
	// Width and Height of the picture in pixels, at least 480x240; zero means
	// 1000x500.
	Width, Height int
}

// MaxSeries is the most series Render draws in one graph; more become
// unreadable lines and an unreadable legend.
const MaxSeries = 10

// ErrNoData is returned by Render when there is nothing to draw: no series,
// or no finite value in any of them. Post a short note instead of a picture.
// Test for it with errors.Is.
var ErrNoData error = &incident.Error{
	Kind:    incident.KindNotFound,
	Message: "no data to graph: the query returned no samples in the time range",
}

// Render draws g as a PNG meant to be read at a glance in a chat client:
// large type, the time axis in the channel's time zone, the threshold and
// the alert's start marked, a legend below the plot that names each series
// by the labels that distinguish it and gives its last value.
//
// It returns ErrNoData when there is nothing to draw, and a KindInvalid error
// for a size outside 480x240 to 8000x8000 or a time range that ends before
// it starts.
func Render(g Graph) ([]byte, error) {
	g, err := withDefaults(g)
	if err != nil {
		return nil, err
	}
	d, err := fit(g)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, g.Width, g.Height))
	canvas := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(pointsPerInch))
	if err := drawGraph(draw.New(canvas), g, d); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, canvas.Image()); err != nil {
		return nil, incident.Errorf(incident.KindInternal, "encode graph %q as PNG: %w", g.Title, err)
	}
	return buf.Bytes(), nil
}

// fit prepares g with as many of its series (up to MaxSeries) as leave the
// legend at most 30% of the picture's height, so small pictures keep a plot.
func fit(g Graph) (prepared, error) {
	sz := sizesFor(g.Width, g.Height)
	room := vg.Length(g.Height) * 0.3
	width := vg.Length(g.Width) - 2*sz.pad
	for limit := MaxSeries; ; limit-- {
		d, err := prepare(g, limit)
		if err != nil || limit == 1 || layoutLegend(d, unitFor(g.Unit), sz, width).height() <= room {
			return d, err
		}
	}
}

// pointsPerInch makes one vg point one pixel, so sizes below are in pixels.
const pointsPerInch = int(vg.Inch)

// withDefaults fills in the size and time zone and checks what cannot be drawn.
func withDefaults(g Graph) (Graph, error) {
	if g.Width == 0 {
		g.Width = 1000
	}
	if g.Height == 0 {
		g.Height = 500
	}
	if g.Width < 480 || g.Height < 240 || g.Width > 8000 || g.Height > 8000 {
		return g, incident.Errorf(incident.KindInvalid,
			"graph size %dx%d is out of range (480x240 to 8000x8000 pixels)", g.Width, g.Height)
	}
	if g.Location == nil {
		g.Location = time.UTC
	}
	if !g.Start.IsZero() && !g.End.IsZero() && !g.End.After(g.Start) {
		return g, incident.Errorf(incident.KindInvalid, "graph time range ends (%s) before it starts (%s)",
			g.End.Format(time.RFC3339), g.Start.Format(time.RFC3339))
	}
	return g, nil
}
