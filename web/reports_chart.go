package web

import (
	"bytes"
	"fmt"
	"html"
	"math"

	"github.com/warroom/warroom/incident"
)

// The chart's size and margins, in SVG user units.
const (
	chartW, chartH             = 900, 320
	chartLeft, chartRight      = 60, 20
	chartTop, chartBottom      = 30, 60
	chartMTTA, chartMTTR, grid = "#1f5fa8", "#b3541e", "#d0d4da" // pass 4.5:1 on white as text
)

// reportSVG draws MTTA and MTTR by week as paired bars on one axis in
// minutes (or hours, when the longest is over two hours), rendered here
// like the incident graphs, so the page needs no script. A week with
// nothing acked or resolved has no bar; its label stays.
func reportSVG(rep incident.Report) []byte {
	var b bytes.Buffer
	weeks := rep.ByWeek
	longest := 0.0
	for _, l := range weeks {
		for _, v := range []*float64{l.MTTA, l.MTTR} {
			if v != nil && *v > longest {
				longest = *v
			}
		}
	}
	unit, per := "minutes", 60.0
	if longest > 2*3600 {
		unit, per = "hours", 3600
	}
	top := niceCeil(longest / per)
	plotW, plotH := float64(chartW-chartLeft-chartRight), float64(chartH-chartTop-chartBottom)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="MTTA and MTTR by week">`,
		chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<title>MTTA and MTTR by week, in %s</title><rect width="100%%" height="100%%" fill="#ffffff"/>`, unit)
	fmt.Fprintf(&b, `<g font-family="sans-serif" font-size="12" fill="#222222">`)
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		y := float64(chartTop) + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>`, chartLeft, chartW-chartRight, y, y, grid)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, chartLeft-6, y+4, trimFloat(v))
	}
	fmt.Fprintf(&b, `<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">%s</text>`,
		chartTop+int(plotH/2), chartTop+int(plotH/2), unit)
	if len(weeks) > 0 {
		slot := plotW / float64(len(weeks))
		bar := math.Min(slot*0.35, 24)
		for i, l := range weeks {
			x := float64(chartLeft) + slot*float64(i) + slot/2
			for j, v := range []*float64{l.MTTA, l.MTTR} {
				if v == nil {
					continue
				}
				h := 0.0
				if top > 0 {
					h = plotH * (*v / per) / top
				}
				colour := chartMTTA
				bx := x - bar
				if j == 1 {
					colour, bx = chartMTTR, x
				}
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
					bx, float64(chartTop)+plotH-h, bar, h, colour, html.EscapeString(l.Key), []string{"MTTA", "MTTR"}[j], duration(v))
			}
			if len(weeks) <= 26 || i%2 == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-45 %.1f %d)">%s</text>`,
					x, chartTop+int(plotH)+16, x, chartTop+int(plotH)+16, html.EscapeString(l.Key[5:]))
			}
		}
	}
	lx := chartW - chartRight - 200
	fmt.Fprintf(&b, `<rect x="%d" y="8" width="12" height="12" fill="%s"/><text x="%d" y="18">MTTA (to ack)</text>`, lx, chartMTTA, lx+16)
	fmt.Fprintf(&b, `<rect x="%d" y="8" width="12" height="12" fill="%s"/><text x="%d" y="18">MTTR (to resolve)</text>`, lx+100, chartMTTR, lx+116)
	if longest == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">No incident was acked or resolved in these weeks.</text>`,
			chartLeft+int(plotW/2), chartTop+int(plotH/2))
	}
	b.WriteString(`</g></svg>`)
	return b.Bytes()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (at least 1).
func niceCeil(v float64) float64 {
	if v <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}
