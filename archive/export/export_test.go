package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/archive/export"
	"github.com/warroom/warroom/incident"
)

var t0 = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

// memDoc is a stored document held in memory.
func memDoc(format, name, ctype string, data []byte, verified bool) archive.Stored {
	d := archive.Stored{Document: archive.Document{Format: format, Name: name, ContentType: ctype, Size: int64(len(data)), SHA256: archive.Digest(data),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}
	if verified {
		at := t0.Add(time.Hour)
		d.VerifiedAt, d.Placement = &at, archive.PlacementTicket
	}
	return d
}

// transcriptJSON is a transcript as the archive writes it.
func transcriptJSON(t testing.TB, inc *incident.Incident, msgs []archive.Message) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"incident": inc, "timeline": []incident.Event{}, "messages": msgs,
		"completeness": archive.Count{Archived: len(msgs), Server: len(msgs), Accounted: len(msgs)}})
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// fixture is an archived incident with a graph, a text file, one file
// too big to embed, one not copied, a thread, an edit, reactions and a
// message holding HTML.
func fixture(t testing.TB) export.Record {
	closed, archived := t0.Add(50*time.Minute), t0.Add(55*time.Minute)
	acked := t0.Add(3 * time.Minute)
	inc := &incident.Incident{ID: 7, Key: "INC-7", Title: "Checkout <b>latency</b>", Severity: incident.SeverityHigh, Status: incident.StatusArchived,
		Source: "alertmanager", Summary: "p99 over 2s\n# not a heading", Commander: "alice", CreatedAt: t0, AckedAt: &acked, AckedBy: "bob",
		ClosedAt: &closed, ClosedBy: "alice", ArchivedAt: &archived, Labels: map[string]string{"service": "checkout"},
		Links: []incident.Link{{Title: "Runbook", URL: "https://runbooks.example/checkout"}, {Title: "Evil", URL: "javascript:alert(1)"},
			{Title: "Dashboard", URL: "https://grafana.example/d?q=<script>x</script>"}}}
	edited := t0.Add(20 * time.Minute)
	png := []byte("\x89PNG\r\n\x1a\n fake graph bytes")
	big := bytes.Repeat([]byte("x"), 2048)
	msgs := []archive.Message{
		{ID: "root1", Author: "warroom", Bot: true, Text: "status: investigating", At: t0.Add(time.Minute), EditedAt: &edited,
			Files: []archive.File{{Name: "graph.png", Type: "image/png", Size: int64(len(png)), Archived: "INC-7-files/root1-graph.png"}}},
		{ID: "m2", Author: "alice", Text: "<script>window.pwned=1</script> look <img src=x onerror=alert(1)>\n1. not a list [link](javascript:x)", At: t0.Add(2 * time.Minute),
			Reactions: []archive.Reaction{{Emoji: "+1", Users: []string{"bob", "carol"}}}},
		{ID: "m3", ThreadID: "m2", Author: "bob", Text: "on it", At: t0.Add(4 * time.Minute),
			Files: []archive.File{{Name: "rollback (v41).conf", Type: "text/plain", Size: 9, Archived: "INC-7-files/m3-rollback (v41).conf"},
				{Name: "capture.pcap", Type: "application/octet-stream", Size: 2048, Archived: "INC-7-files/m3-capture.pcap"},
				{Name: "huge.bin", Type: "application/octet-stream", Size: 1 << 30, NotCopied: "over the chat backend's size limit for copying"}}},
		{ID: "m4", ThreadID: "gone", Author: "carol", Text: "late reply", At: t0.Add(5 * time.Minute)},
	}
	js := transcriptJSON(t, inc, msgs)
	return export.Record{Incident: inc, At: t0.Add(2 * time.Hour),
		Events: []incident.Event{{ID: 1, Kind: incident.EventDeclared, Actor: "alertmanager", Text: "opened <i>by</i> alert", At: t0},
			{ID: 2, Kind: incident.EventStatusChanged, Actor: "bob", At: acked}},
		Docs: []archive.Stored{
			memDoc("md", "INC-7-transcript.md", "text/markdown; charset=utf-8", []byte("# INC-7\n"), true),
			memDoc("json", "INC-7-transcript.json", "application/json", js, true),
			memDoc("file", "INC-7-files/root1-graph.png", "image/png", png, true),
			memDoc("file", "INC-7-files/m3-rollback (v41).conf", "text/plain", []byte("rev: v41\n"), true),
			memDoc("file", "INC-7-files/m3-capture.pcap", "application/octet-stream", big, true),
			memDoc("file", "INC-7-files/orphan.txt", "text/plain", []byte("no message"), true),
		}}
}

func TestHTMLHoldsTheRecordEscapedAndEmbedded(t *testing.T) {
	rec := fixture(t)
	var out bytes.Buffer
	if err := export.WriteHTML(context.Background(), &out, rec, export.Standard(), export.Options{MaxEmbedBytes: 1024}); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, want := range []string{
		`<title>INC-7: Checkout &lt;b&gt;latency&lt;/b&gt;</title>`,
		`&lt;script&gt;window.pwned=1&lt;/script&gt; look &lt;img src=x onerror=alert(1)&gt;`,
		`<img alt="root1-graph.png" src="data:image/png;base64,` + b64("\x89PNG\r\n\x1a\n fake graph bytes") + `">`,
		`<a download="m3-rollback (v41).conf" href="data:application/octet-stream;base64,` + b64("rev: v41\n") + `">`,
		`m3-capture.pcap (application/octet-stream, 2048 bytes, SHA-256 ` + archive.Digest(bytes.Repeat([]byte("x"), 2048)) + `): not embedded, over the export&#39;s 1024-byte limit`,
		`huge.bin (application/octet-stream, 1073741824 bytes): not copied into the archive: over the chat backend&#39;s size limit`,
		`<li id="m-3" class="msg reply">`, `<a class="thread" href="#m-2">↳ reply to #2</a>`,
		`↳ reply to an earlier message`, `<i class="edited">(edited 2026-12-03 09:20:00Z)</i>`,
		`<span class="reaction">:+1: bob, carol</span>`, `warroom (bot)`,
		`<a href="https://runbooks.example/checkout">https://runbooks.example/checkout</a>`, `<dd>javascript:alert(1)</dd>`,
		`<dt>Time to ack</dt><dd>3m0s</dd>`, `opened &lt;i&gt;by&lt;/i&gt; alert`,
		`href="#doc-5">orphan.txt</a>`, `<div class="file" id="doc-5">📎 <a download="orphan.txt" href="data:application/octet-stream;base64,` + b64("no message"),
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, bad := range []string{"<script", "<img src=x", `href="javascript:`, `id="missing"`, "differ from what"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
}

func TestZipHoldsMarkdownAndEveryFileLinked(t *testing.T) {
	rec := fixture(t)
	var out bytes.Buffer
	if err := export.WriteZip(context.Background(), &out, rec, export.Standard()); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
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
	md := string(files["INC-7/INC-7.md"])
	for _, want := range []string{
		`# INC-7: Checkout \<b\>latency\</b\>`,
		`\<script\>window.pwned=1\</script\> look \<img src=x onerror=alert(1)\>`,
		`1\. not a list \[link\](javascript:x)`,
		`![graph.png](files/root1-graph.png)`, `📎 [rollback (v41).conf](files/m3-rollback%20%28v41%29.conf)`,
		"> ↳ reply to #2\n> **#3** **bob**", "> ↳ reply to an earlier message", "(edited 2026-12-03 09:20:00Z)", ":+1: bob, carol",
		"huge.bin (application/octet-stream, 1073741824 bytes): not copied", `- **Runbook:** [https://runbooks.example/checkout](<https://runbooks.example/checkout>)`,
		`- **Evil:** javascript:alert(1)`, `(<https://grafana.example/d?q=%3Cscript%3Ex%3C/script%3E>)`, `\# not a heading`, "[orphan.txt](files/orphan.txt)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lacks %s", want)
		}
	}
	if regexp.MustCompile(`(^|[^\\])<script`).MatchString(md) {
		t.Error("the Markdown holds an unescaped <script")
	}
	links := regexp.MustCompile(`\]\((files/[^)]+)\)`).FindAllStringSubmatch(md, -1)
	if len(links) < 4 {
		t.Fatalf("the Markdown links %d files, want 4 or more", len(links))
	}
	for _, l := range links {
		p, err := url.PathUnescape(l[1])
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := files["INC-7/"+p]; !ok {
			t.Errorf("link %s resolves to nothing in the zip", l[1])
		}
	}
	if got := string(files["INC-7/files/m3-rollback (v41).conf"]); got != "rev: v41\n" {
		t.Errorf("the zip's copy of the file is %q", got)
	}
	if got := len(files["INC-7/files/m3-capture.pcap"]); got != 2048 {
		t.Errorf("the zip holds %d bytes of the file too big to embed in the page, want all 2048", got)
	}
}

func TestExportSaysWhatIsMissingOrWrong(t *testing.T) {
	live := &incident.Incident{ID: 8, Key: "INC-8", Title: "Disk full", Status: incident.StatusAcked, CreatedAt: t0}
	tampered := fixture(t)
	for i, d := range tampered.Docs {
		if d.Format == "json" {
			tampered.Docs[i].SHA256 = strings.Repeat("0", 64)
		}
	}
	for _, tc := range []struct {
		name string
		rec  export.Record
		want []string
	}{
		{"live", export.Record{Incident: live, Events: []incident.Event{{ID: 1, Kind: incident.EventDeclared, Actor: "api", At: t0}}},
			[]string{"INC-8 is acked: its transcript is built when it is closed and is complete only once it is archived", "declared"}},
		{"tampered", tampered, []string{"differs from what the archive verified", "rebuild it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var page, zipped bytes.Buffer
			if err := export.WriteHTML(context.Background(), &page, tc.rec, export.Standard(), export.Options{}); err != nil {
				t.Fatal(err)
			}
			if err := export.WriteZip(context.Background(), &zipped, tc.rec, export.Standard()); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(zipped.Bytes()), int64(zipped.Len()))
			if err != nil {
				t.Fatal(err)
			}
			rc, _ := zr.Open(tc.rec.Incident.Key + "/" + tc.rec.Incident.Key + ".md")
			md, _ := io.ReadAll(rc)
			for _, want := range tc.want {
				if !strings.Contains(page.String(), want) {
					t.Errorf("the page lacks %q", want)
				}
				if !strings.Contains(string(md), want) {
					t.Errorf("the Markdown lacks %q", want)
				}
			}
		})
	}
}

func TestMarkdownTextEscapes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<b>x</b> & y", `\<b\>x\</b\> \& y`},
		{`\<script>`, `\\\<script\>`},
		{"# h\n- item\n  2) two\n10 apples", "\\# h\n\\- item\n  2\\) two\n10 apples"},
		{"![img](http://x/y.png)", `\!\[img\](http://x/y.png)`},
		{"plain *bold* `code`", "plain *bold* `code`"},
	} {
		if got := export.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestProseSectionGoesWhereItIsInserted(t *testing.T) {
	pm := export.Prose{Anchor: "postmortem", Heading: "Postmortem", Note: "draft, edited by alice",
		Body: "### Impact\n\nCheckout slow for <b>EU</b> & 12 minutes.\n\n- [ ] fix <script>alert(1)</script>"}
	sections := export.Insert(export.Standard(), "facts", pm)
	var ids []string
	for _, s := range sections {
		ids = append(ids, s.ID())
	}
	if got := strings.Join(ids, " "); got != "facts postmortem timeline transcript files" {
		t.Fatalf("sections %s", got)
	}
	if got := export.Insert(export.Standard(), "nowhere", pm); got[len(got)-1].ID() != "postmortem" {
		t.Errorf("a section after an unknown one goes last; got %s", got[len(got)-1].ID())
	}
	rec := fixture(t)
	var page, zipped bytes.Buffer
	if err := export.WriteHTML(context.Background(), &page, rec, sections, export.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := export.WriteZip(context.Background(), &zipped, rec, sections); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<li><a href="#postmortem">Postmortem</a></li>`, `<section id="postmortem"><h2>Postmortem</h2>`,
		`<p class="meta">draft, edited by alice</p>`, `Checkout slow for &lt;b&gt;EU&lt;/b&gt; &amp; 12 minutes.`, `fix &lt;script&gt;`} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	zr, _ := zip.NewReader(bytes.NewReader(zipped.Bytes()), int64(zipped.Len()))
	rc, _ := zr.Open("INC-7/INC-7.md")
	md, _ := io.ReadAll(rc)
	want := "## Postmortem\n\n_draft, edited by alice_\n\n### Impact\n\nCheckout slow for &lt;b>EU&lt;/b> & 12 minutes.\n\n- [ ] fix &lt;script>alert(1)&lt;/script>\n\n## Timeline"
	if !strings.Contains(string(md), want) {
		t.Errorf("the Markdown lacks the postmortem as written, HTML defused:\n%s", md)
	}
}
