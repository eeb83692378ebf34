package main

import (
	"bytes"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

var fileLinks = regexp.MustCompile(`href="(/channels/[0-9a-f]+/files/[0-9a-f]+)">([^<]+\.png)<`)

// checkPNG decodes a graph and checks it is the expected size and not blank.
func checkPNG(t *testing.T, data []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the graph is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1000 || b.Dy() != 500 {
		t.Errorf("graph is %dx%d, want 1000x500", b.Dx(), b.Dy())
	}
	colours := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r >> 8, g >> 8, bl >> 8, a >> 8}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("the graph has %d colours: it looks blank", len(colours))
	}
	var _ image.Image = img
}

// TestGraphsFromRealPrometheus: an alert whose generator URL carries its
// expression gets a graph rendered from a real Prometheus when its channel
// opens; /incident graph renders one on demand; a query with no data
// posts a note instead of an empty picture.
func TestGraphsFromRealPrometheus(t *testing.T) {
	prom := promtest.Start(t)
	cfg := testConfig(t)
	cfg.Prometheus.URL = prom.URL
	h := startHarness(t, cfg)
	gen := prom.URL + "/graph?g0.expr=" + url.QueryEscape("up == 1") + "&g0.tab=1"
	body := bytes.Replace(readTestdata(t, "alertmanager-0.31.1-firing.json"), []byte(`"generatorURL": "http://127.0.0.1/graph"`),
		[]byte(`"generatorURL": "`+gen+`"`), 1)
	if code, out := h.hook(body); code != 200 {
		t.Fatalf("alert: %d %v", code, out)
	}
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	var links [][]string
	h.waitFor("graph posted", func() bool {
		_, page := h.do("GET", "/channels/"+room+"/log", nil, nil)
		links = fileLinks.FindAllStringSubmatch(string(page), -1)
		return len(links) == 1
	})
	code, data := h.do("GET", links[0][1], nil, nil)
	if code != 200 {
		t.Fatalf("download graph: %d", code)
	}
	checkPNG(t, data)

	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident graph scrape_duration_seconds 5m"), nil)
	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident graph no_such_metric_anywhere 5m"), nil)
	var page string
	defer func() {
		if t.Failed() {
			t.Logf("page: %s", page)
		}
	}()
	h.waitFor("on-demand graph and the no-data note", func() bool {
		_, p := h.do("GET", "/channels/"+room+"/log", nil, nil)
		page = string(p)
		return len(fileLinks.FindAllStringSubmatch(page, -1)) == 2 && strings.Contains(page, "No graph for <code>no_such_metric_anywhere</code>")
	})
	links = fileLinks.FindAllStringSubmatch(page, -1)
	_, data = h.do("GET", links[1][1], nil, nil)
	checkPNG(t, data)
}
