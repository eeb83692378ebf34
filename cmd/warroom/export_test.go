package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

// scriptText is a message that would run and fetch if the export did not
// escape it.
const scriptText = `<script>window.pwned = 1</script> look <img src="http://127.0.0.1:9/leak.png" onerror="window.pwned = 2">`

// exportedIncident works an incident in a builtin channel whose graphs come
// from a real Prometheus: the welcome graph and one asked for, a file, a
// thread, an edit (the status post follows /incident status) and a message
// holding HTML; then closes it and waits until it is archived. It returns
// the uploaded file's bytes.
func exportedIncident(t *testing.T) (*harness, []byte) {
	t.Helper()
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
	h.waitFor("the channel", func() bool {
		room = "/channels/" + h.getIncident("INC-1").Channel.ID
		return room != "/channels/"
	})
	h.login("alice")
	h.waitFor("the welcome graph", func() bool {
		_, p := h.do("GET", room+"/log", nil, nil)
		return len(fileLinks.FindAllString(string(p), -1)) == 1
	})
	h.say(room, "/incident graph scrape_duration_seconds 5m")
	h.waitFor("the graph asked for", func() bool {
		_, p := h.do("GET", room+"/log", nil, nil)
		return len(fileLinks.FindAllString(string(p), -1)) == 2
	})
	if code, b := h.do("POST", room+"/messages", url.Values{"text": {scriptText}}, nil); code != http.StatusSeeOther {
		t.Fatalf("say: %d %s", code, b)
	}
	_, log := h.do("GET", room+"/log", nil, nil)
	root := regexp.MustCompile(`id="m-([0-9a-f]+)" class="msg"[^>]*>\s*<div class="meta"><b class="author">alice`).FindSubmatch(log)
	if root == nil {
		t.Fatalf("alice's message is not in the channel:\n%s", log)
	}
	if code, b := h.do("POST", room+"/messages", url.Values{"text": {"rolled back, p99 at 300ms"}, "thread": {string(root[1])}}, nil); code != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", code, b)
	}
	conf := []byte("checkout:\n  version: v41\n")
	if code := h.upload(room, "the config we rolled back to", "rollback.yaml", conf); code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
	h.say(room, "/incident status rolled back to v41, watching")
	h.say(room, "/incident followup alert on <p99> before users do")
	h.waitJobsDone("INC-1")
	if code, out := h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice", "reason": "rolled back"}); code != 200 {
		t.Fatalf("close: %d %v", code, out)
	}
	h.waitStatus("INC-1", "archived")
	return h, conf
}

// getExport fetches an export with the API token.
func getExport(t *testing.T, h *harness, path string) ([]byte, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", h.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+testAPIToken)
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v: %.300s", path, resp.StatusCode, err, body)
	}
	return body, resp.Header
}

// TestExportOpensOfflineInChromium exports an archived incident (two
// graphs from a real Prometheus, a file, a thread, an edit, a message
// holding <script>) through the API, saves the page and opens it from the
// disk in a real headless Chromium: it makes no network request at all
// (every request event is heard), runs nothing of the transcript, and
// shows each of those. The zip's Markdown holds the same, and its links
// resolve to files in the zip; the incident page links both exports; an
// unknown incident, a wrong token and an unknown format are refused with
// JSON errors.
func TestExportOpensOfflineInChromium(t *testing.T) {
	requireChromium(t)
	h, conf := exportedIncident(t)

	// The refusals, as JSON.
	for _, tc := range []struct {
		path, token string
		code        int
		kind, want  string
	}{
		{"/api/v1/incidents/INC-99/export.html", testAPIToken, 404, "not_found", "INC-99"},
		{"/api/v1/incidents/INC-1/export.zip", "wrong-token", 401, "unauthorized", ""},
		{"/api/v1/incidents/INC-1/export.pdf", testAPIToken, 400, "invalid", "export.html (one page) or export.zip"},
	} {
		code, body := h.do("GET", tc.path, nil, map[string]string{"Authorization": "Bearer " + tc.token})
		var e struct {
			Error struct{ Kind, Message string }
		}
		if err := json.Unmarshal(body, &e); err != nil || code != tc.code || e.Error.Kind != tc.kind || !strings.Contains(e.Error.Message, tc.want) {
			t.Errorf("GET %s with token %q: %d %s, want %d with a JSON error of kind %s naming %q", tc.path, tc.token, code, body, tc.code, tc.kind, tc.want)
		}
	}

	// The incident page links both exports, which the UI session serves.
	_, page := h.do("GET", "/incidents/INC-1", nil, nil)
	for _, f := range []string{"html", "zip"} {
		if !bytes.Contains(page, []byte(`href="/incidents/INC-1/export.`+f+`"`)) {
			t.Errorf("the incident page does not link export.%s", f)
		}
		if code, b := h.do("GET", "/incidents/INC-1/export."+f, nil, nil); code != 200 || len(b) < 1000 {
			t.Errorf("the UI's export.%s: %d, %d bytes", f, code, len(b))
		}
	}

	html, hdr := getExport(t, h, "/api/v1/incidents/INC-1/export.html")
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the page is served with Content-Security-Policy %q", csp)
	}
	file := filepath.Join(t.TempDir(), "INC-1.html")
	if err := os.WriteFile(file, html, 0o600); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h.URL)
	var mu sync.Mutex
	var requests []string
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	})
	b.run("the network to be watched", network.Enable())
	b.run("to open the saved export from the disk", chromedp.Navigate("file://"+file), chromedp.WaitReady("body"))
	b.poll("every image of the page to be decoded", 10*time.Second, `() => [...document.images].every(i => i.complete)`)

	if got := b.eval(`String(window.pwned)`); got != "undefined" {
		t.Errorf("the transcript's script ran: window.pwned = %s", got)
	}
	text := b.eval(`document.body.innerText`)
	for _, want := range []string{scriptText, "rolled back, p99 at 300ms", "↳ reply to #", "(edited ", "the config we rolled back to",
		"rollback.yaml", "status_update", "Time to resolve", "INC-1-transcript.json",
		"Postmortem", "draft, revision 1 by warroom", "Contributing factors", "Follow-ups", "alert on <p99> before users do (by @alice"} {
		if !strings.Contains(text, want) {
			t.Errorf("the opened export does not show %q", want)
		}
	}
	var graphs []struct {
		Src   string  `json:"src"`
		Width float64 `json:"w"`
	}
	b.run("the graphs", chromedp.Evaluate(`[...document.querySelectorAll("#transcript figure img")].map(i => ({src: i.src.slice(0, 22), w: i.naturalWidth}))`, &graphs))
	if len(graphs) != 2 {
		t.Errorf("the transcript shows %d graphs, want 2: %+v", len(graphs), graphs)
	}
	for _, g := range graphs {
		if g.Src != "data:image/png;base64," || g.Width != 1000 {
			t.Errorf("a graph is %+v, want a 1000 px wide PNG embedded as data:", g)
		}
	}
	var confHref string
	b.run("the file's link", chromedp.Evaluate(`(() => { const a = [...document.querySelectorAll("#transcript a[download]")].find(a => a.download.endsWith("rollback.yaml")); return a ? a.href : ""; })()`, &confHref))
	if want := "data:application/octet-stream;base64,"; !strings.HasPrefix(confHref, want) {
		t.Errorf("rollback.yaml links to %.60q, want a %s link", confHref, want)
	} else if got, _ := base64.StdEncoding.DecodeString(confHref[len(want):]); !bytes.Equal(got, conf) {
		t.Errorf("rollback.yaml's data: link holds %q, want %q", got, conf)
	}
	b.screenshot("export.png")
	b.viewport(uiSizes[1])
	b.run("to open the export again at a phone's size", chromedp.Reload(), chromedp.WaitReady("body"))
	b.noSidewaysScroll("the exported page on a phone", uiSizes[1].w)
	var resources int
	b.run("the resources the page loaded", chromedp.Evaluate(`performance.getEntriesByType("resource").length`, &resources))
	mu.Lock()
	t.Logf("requests heard: %d, the first %.80q", len(requests), requests)
	if len(requests) == 0 || requests[0] != "file://"+file {
		t.Errorf("the network listener heard %q, not the page's own load first: it hears nothing", requests)
	}
	for _, u := range requests {
		if u != "file://"+file && !strings.HasPrefix(u, "data:") {
			t.Errorf("the export made a request: %s", u)
		}
	}
	mu.Unlock()
	if resources != 0 {
		t.Errorf("the page loaded %d resources", resources)
	}

	// The zip: the same record in Markdown, every link a file in the zip.
	zipped, _ := getExport(t, h, "/api/v1/incidents/INC-1/export.zip")
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	md := string(files["INC-1/INC-1.md"])
	for _, want := range []string{`\<script\>window.pwned = 1\</script\> look \<img src="http://127.0.0.1:9/leak.png"`,
		"rolled back, p99 at 300ms", "> ↳ reply to #", "(edited ", "the config we rolled back to", "status_update", "## Transcript", "## Files",
		"## Postmortem", "draft, revision 1 by warroom", "Contributing factors", "## Follow-ups", "- [open] alert on &lt;p99> before users do (by @alice"} {
		if !strings.Contains(md, want) {
			t.Errorf("the zip's Markdown lacks %q", want)
		}
	}
	links := regexp.MustCompile(`\]\((files/[^)]+)\)`).FindAllStringSubmatch(md, -1)
	images := regexp.MustCompile(`!\[[^\]]*\]\(files/[^)]+\.png\)`).FindAllString(md, -1)
	if len(images) != 2 {
		t.Errorf("the Markdown shows %d graphs, want 2", len(images))
	}
	found := false
	for _, l := range links {
		p, _ := url.PathUnescape(l[1])
		data, ok := files["INC-1/"+p]
		if !ok {
			t.Errorf("the Markdown links %s, which is not in the zip", l[1])
		}
		if strings.HasSuffix(p, "rollback.yaml") {
			found = bytes.Equal(data, conf)
		}
	}
	if !found {
		t.Errorf("the zip does not hold rollback.yaml as uploaded, linked from the Markdown")
	}
}

// TestExportOfALiveIncidentSaysWhatIsMissing: an open incident exports its
// facts and timeline so far, and both forms say that the transcript is
// missing until the incident is archived.
func TestExportOfALiveIncidentSaysWhatIsMissing(t *testing.T) {
	h := startHarness(t, testConfig(t))
	if code, out := h.api("POST", "/incidents", map[string]string{"title": "Disk <full> on db-3", "actor": "alice"}); code != http.StatusCreated {
		t.Fatalf("declare: %d %v", code, out)
	}
	h.waitJobsDone("INC-1")
	const missing = "INC-1 is open: its transcript is built when it is closed and is complete only once it is archived"
	page, _ := getExport(t, h, "/api/v1/incidents/INC-1/export.html")
	for _, want := range []string{`<p class="missing" id="missing">` + missing, "Disk &lt;full&gt; on db-3", `<span class="kind">declared</span> alice`,
		"No postmortem yet: it is drafted when the incident closes.", "No follow-ups."} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the live incident's page lacks %q", want)
		}
	}
	zipped, _ := getExport(t, h, "/api/v1/incidents/INC-1/export.zip")
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "INC-1/INC-1.md" {
		t.Fatalf("the live incident's zip holds %d files, want only INC-1/INC-1.md", len(zr.File))
	}
	rc, _ := zr.File[0].Open()
	md, _ := io.ReadAll(rc)
	for _, want := range []string{"> **Incomplete.** " + missing, `# INC-1: Disk \<full\> on db-3`, "**declared** alice"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("the live incident's Markdown lacks %q:\n%s", want, md)
		}
	}
}
