package main

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// evilPage is what a hostile site serves: forms that submit themselves into
// warroom on load, as the review found (an empty form POST closed INC-1, a
// text/plain POST declared an incident). Each frame reports when its answer
// has loaded.
const evilPage = `<!doctype html><html><body>
<iframe name="f1" onload="parent.loaded = (parent.loaded||0)+1"></iframe>
<iframe name="f2" onload="parent.loaded = (parent.loaded||0)+1"></iframe>
<form id="close" method="post" target="f1" action="%[1]s/api/v1/incidents/INC-1/close"></form>
<form id="declare" method="post" target="f2" enctype="text/plain" action="%[1]s/api/v1/incidents"><input name='{"title":"planted","summary":"' value='"}'></form>
<script>window.loaded = -2; document.getElementById("close").submit(); document.getElementById("declare").submit();</script>
</body></html>`

// A real browser on a hostile page changes nothing in an open (loopback, no
// api.token) warroom: both forms reach it and are refused as cross-site.
func TestBrowserCrossSiteForms(t *testing.T) {
	requireChromium(t)
	h := startHarness(t, openConfig(t))
	if code, out := h.api("POST", "/incidents", map[string]any{"title": "Checkout is slow"}); code != 201 {
		t.Fatalf("declare: %d %v", code, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	evil := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, evilPage, html.EscapeString(h.URL))
	}), ReadHeaderTimeout: 5 * time.Second}
	go evil.Serve(ln)
	t.Cleanup(func() { evil.Close() })
	// localhost and 127.0.0.1 are different sites to the browser.
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	b := newBrowser(t, "http://localhost:"+port)
	b.open("open the hostile page", "/")
	b.poll("both hostile forms to have had their answer", 10*time.Second, `() => window.loaded >= 0`)

	refused := regexp.MustCompile(`warroom_http_requests_total\{code="403",method="POST",route="unmatched"\} (\d+)`)
	planted := func() int {
		return len(h.incidents("?q=planted"))
	}
	h.waitFor("both hostile requests to be refused, or to have done harm", func() bool {
		_, m := h.do("GET", "/metrics", nil, nil)
		n := 0
		if got := refused.FindSubmatch(m); got != nil {
			n, _ = strconv.Atoi(string(got[1]))
		}
		return n >= 2 || h.incident("INC-1")["status"] != "open" || planted() > 0
	})
	if st := h.incident("INC-1")["status"]; st != "open" {
		t.Errorf("INC-1 is %v after the hostile page, want open", st)
	}
	if n := planted(); n != 0 {
		t.Errorf("the hostile page declared %d incident(s)", n)
	}
}
