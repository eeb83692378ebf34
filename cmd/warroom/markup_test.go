package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/warroom/warroom/web/markup/markuptest"
)

// planted are hostile links and markup, each carrying a label that must
// show on the page as text and never inside a link.
var planted = []struct{ label, text string }{
	{"planted-dec", "[planted-dec](&#106;avascript:alert(1))"},
	{"planted-hex", "[planted-hex](&#x6A;avascript:alert(1))"},
	{"planted-colon", "[planted-colon](javascript&colon;alert(1))"},
	{"planted-case", "[planted-case](JaVaScRiPt:alert(1))"},
	{"planted-tab", "[planted-tab](java&Tab;script:alert(1))"},
	{"planted-space", "[planted-space](&#32;javascript:alert(1))"},
	{"planted-data", "[planted-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
	{"planted-vb", "[planted-vb](vbscript:msgbox(1))"},
	{"planted-img", "![planted-img](&#106;avascript:alert(1))"},
	{"planted-ref", "[planted-ref][r] [r]: javascript&colon;alert(1)"},
	{"planted-auto", "<javascript:alert('planted-auto')>"},
	{"planted-raw", `<a href="javascript:alert(1)">planted-raw</a>`},
	{"planted-onerror", `<img src=x onerror="alert('planted-onerror')">`},
}

// plantedText is every vector on one line, as a command argument must be.
func plantedText(prefix string) string {
	parts := []string{prefix}
	for _, p := range planted {
		parts = append(parts, p.text)
	}
	return strings.Join(parts, " ")
}

// TestNoScriptLinksSurvive plants the vectors through every way text gets
// in (an Alertmanager description and runbook link, a chat message, an
// /incident note and status, a declared summary), then reads the channel,
// its log, the incident pages and, after archiving, the archived incident
// page over HTTP: no executable link, no event handler, no planted label
// inside a link, and every label still there as text.
func TestNoScriptLinksSurvive(t *testing.T) {
	h := startHarness(t, testConfig(t))

	var msg map[string]any
	if err := json.Unmarshal(readTestdata(t, "alertmanager-0.31.1-firing.json"), &msg); err != nil {
		t.Fatal(err)
	}
	common := msg["commonAnnotations"].(map[string]any)
	common["description"] = plantedText("am-description")
	common["runbook_url"] = "javascript:alert('runbook')"
	for _, a := range msg["alerts"].([]any) {
		ann := a.(map[string]any)["annotations"].(map[string]any)
		ann["description"] = plantedText("am-alert-description")
		ann["runbook_url"] = "&#106;avascript:alert('runbook')"
	}
	body, _ := json.Marshal(msg)
	if code, out := h.hook(body); code != 200 || out["incident"] != "INC-1" {
		t.Fatalf("hook: %d %v", code, out)
	}
	if code, out := h.api("POST", "/incidents", map[string]any{"title": "declared", "severity": "warning",
		"summary": plantedText("declared-summary"), "actor": "bob"}); code != http.StatusCreated && code != 200 {
		t.Fatalf("declare: %d %v", code, out)
	}
	if code, out := h.api("POST", "/incidents/INC-1/notes", map[string]any{"text": plantedText("api-note"), "actor": "bob"}); code >= 300 {
		t.Fatalf("API note: %d %v", code, out)
	}

	var channel apiRef
	h.waitFor("channel", func() bool {
		channel = h.getIncident("INC-1").Channel
		return channel.ID != ""
	})
	room := "/channels/" + channel.ID
	h.login("alice")
	for _, text := range []string{plantedText("chat-message"), "/incident note " + plantedText("note"),
		"/incident status " + plantedText("status")} {
		if code, body := h.do("POST", room+"/messages", url.Values{"text": {text}}, nil); code != http.StatusSeeOther {
			t.Fatalf("say %.40q: %d %s", text, code, body)
		}
	}
	h.waitJobsDone("INC-1")
	h.waitJobsDone("INC-2")

	checkPlantedPage(t, h, room, "am-description", "chat-message", "status")
	checkPlantedPage(t, h, room+"/log", "am-description", "chat-message", "status")
	checkPlantedPage(t, h, "/incidents/INC-1", "am-description", "note", "api-note", "status")
	checkPlantedPage(t, h, "/incidents/INC-2", "declared-summary")

	if code, _ := h.do("POST", room+"/messages", url.Values{"text": {"/incident close planted"}}, nil); code != http.StatusSeeOther {
		t.Fatalf("close: %d", code)
	}
	h.waitStatus("INC-1", "archived")
	checkPlantedPage(t, h, "/incidents/INC-1", "am-description", "chat-message", "status", "Transcript")
}

// checkPlantedPage fetches path and fails t on anything executable, or on
// a planted label that is a link or missing, and on a wanted text that is
// missing (so that the check is not vacuous).
func checkPlantedPage(t *testing.T, h *harness, path string, want ...string) {
	t.Helper()
	code, body := h.do("GET", path, nil, nil)
	if code != 200 {
		t.Fatalf("GET %s: %d", path, code)
	}
	page := string(body)
	if err := markuptest.CheckPage(page); err != nil {
		t.Errorf("GET %s: %v", path, err)
	}
	text, linked := pageText(t, page)
	for _, p := range planted {
		if strings.Contains(linked, p.label) {
			t.Errorf("GET %s: %q is inside a link", path, p.label)
		}
		if !strings.Contains(text, p.label) {
			t.Errorf("GET %s: %q is not on the page as text", path, p.label)
		}
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("GET %s: %q is not on the page", path, w)
		}
	}
	for _, bad := range []string{"alert(", "msgbox("} {
		if strings.Contains(linked, bad) {
			t.Errorf("GET %s: a link holds %q", path, bad)
		}
	}
}

// pageText returns the text of a page and, apart, the text and the URLs
// of its links.
func pageText(t *testing.T, page string) (text, linked string) {
	t.Helper()
	var all, inLinks strings.Builder
	z := html.NewTokenizer(strings.NewReader(page))
	depth := 0
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		tok := z.Token()
		switch {
		case tt == html.StartTagToken && tok.Data == "a":
			depth++
			for _, a := range tok.Attr {
				inLinks.WriteString(a.Val + " ")
			}
		case tt == html.EndTagToken && tok.Data == "a" && depth > 0:
			depth--
		case tt == html.StartTagToken || tt == html.SelfClosingTagToken:
			for _, a := range tok.Attr {
				if a.Key == "src" || a.Key == "href" || a.Key == "action" {
					inLinks.WriteString(a.Val + " ")
				}
			}
		case tt == html.TextToken:
			all.WriteString(tok.Data)
			if depth > 0 {
				inLinks.WriteString(tok.Data)
			}
		}
	}
	return all.String(), inLinks.String()
}
