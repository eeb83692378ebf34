package export

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"

	"github.com/warroom/warroom/archive"
)

// ContentSecurityPolicy is the page's own policy, in its <meta> tag and in
// the HTTP answer that serves it: nothing is fetched, nothing runs; only
// inline style and data: images. Escaping keeps a transcript's HTML from
// running; the policy would stop it even if escaping failed.
const ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

// WriteHTML writes the record as one self-contained HTML page to w, section
// by section, streaming the transcript and the files. An error after the
// first byte leaves the page cut short; the caller can only log it.
func WriteHTML(ctx context.Context, w io.Writer, rec Record, sections []Section, opts Options) error {
	x := newExport(rec, opts)
	bw := bufio.NewWriterSize(w, 64<<10)
	inc := x.Incident
	title := H(inc.Key + ": " + inc.Title)
	fmt.Fprintf(bw, `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="%s">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>%s</style></head>
<body><header><h1>%s</h1><p class="meta">Exported from warroom %s. Self-contained: it loads nothing and runs no script.</p>
`, ContentSecurityPolicy, title, css, title, H(x.At.UTC().Format(timeLayout)))
	if m := x.Missing(); m != "" {
		fmt.Fprintf(bw, "<p class=\"missing\" id=\"missing\">%s</p>\n", H(m))
	}
	bw.WriteString("<nav><ol>")
	for _, s := range sections {
		fmt.Fprintf(bw, `<li><a href="#%s">%s</a></li>`, H(s.ID()), H(s.Title()))
	}
	bw.WriteString("</ol></nav></header>\n<main>\n")
	for _, s := range sections {
		fmt.Fprintf(bw, "<section id=\"%s\"><h2>%s</h2>\n", H(s.ID()), H(s.Title()))
		if err := s.HTML(ctx, bw, x); err != nil {
			return fmt.Errorf("export %s of %s: %w", s.Title(), inc.Key, err)
		}
		bw.WriteString("</section>\n")
	}
	bw.WriteString("</main></body></html>\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the export of %s: %w", inc.Key, err)
	}
	return nil
}

// H escapes text for HTML, attributes included.
func H(s string) string { return html.EscapeString(s) }

// HrefOf returns s as a link target when it is an http(s) URL, or "" (the
// text is then shown without a link): a javascript: or data: link of a
// label must not become clickable.
func HrefOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// imageTypes are shown in place as <img>; every other file is a download
// link of type application/octet-stream, so that it never opens as a page
// (an SVG or an HTML file could hold script).
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// embedFile writes a stored file into the page: an image in place, any
// other file as a download link, both as data: URIs streamed from the
// store; or, past the limits, its name, size and SHA-256. It checks the
// bytes against the SHA-256 the archive verified and says so when they
// differ. anchor is the element's id.
func (x *Export) embedFile(ctx context.Context, w io.Writer, d archive.Stored, anchor string) error {
	x.shown[d.Name] = anchor
	name := fileName(d.Name)
	ctype := strings.ToLower(strings.TrimSpace(strings.Split(d.ContentType, ";")[0]))
	facts := fmt.Sprintf("%s, %d bytes, SHA-256 %s", H(d.ContentType), d.Size, H(d.SHA256))
	var why string
	switch {
	case d.Size > x.opts.MaxEmbedBytes:
		why = fmt.Sprintf("over the export's %d-byte limit for one embedded file", x.opts.MaxEmbedBytes)
	case x.embedded+d.Size > x.opts.MaxEmbedTotal:
		why = fmt.Sprintf("the export's %d-byte budget for embedded files is spent", x.opts.MaxEmbedTotal)
	}
	if why != "" {
		fmt.Fprintf(w, "<div class=\"file\" id=\"%s\">📎 %s (%s): not embedded, %s; it is in warroom as %s and in the Markdown bundle</div>\n",
			H(anchor), H(name), facts, H(why), H(d.Name))
		return nil
	}
	x.embedded += d.Size
	rc, err := d.Open(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", d.Name, err)
	}
	defer rc.Close()
	if imageTypes[ctype] {
		fmt.Fprintf(w, "<figure class=\"file\" id=\"%s\"><img alt=\"%s\" src=\"data:%s;base64,", H(anchor), H(name), ctype)
	} else {
		fmt.Fprintf(w, "<div class=\"file\" id=\"%s\">📎 <a download=\"%s\" href=\"data:application/octet-stream;base64,", H(anchor), H(name))
	}
	h := archive.NewHasher()
	enc := base64.NewEncoder(base64.StdEncoding, w)
	if _, err := io.Copy(enc, io.TeeReader(rc, h)); err != nil {
		return fmt.Errorf("read %s: %w", d.Name, err)
	}
	enc.Close()
	if imageTypes[ctype] {
		fmt.Fprintf(w, "\"><figcaption>%s (%s)</figcaption>", H(name), facts)
	} else {
		fmt.Fprintf(w, "\">%s</a> (%s)", H(name), facts)
	}
	if sum, n := h.Sum(); sum != d.SHA256 || n != d.Size {
		fmt.Fprintf(w, " <strong class=\"mismatch\">the stored bytes (%d, SHA-256 %s) differ from what the archive verified</strong>", n, sum)
	}
	if imageTypes[ctype] {
		w.Write([]byte("</figure>\n"))
	} else {
		w.Write([]byte("</div>\n"))
	}
	return nil
}

// fileName is a stored file's name without the archive's folder.
func fileName(docName string) string {
	if i := strings.LastIndex(docName, "/"); i >= 0 {
		return docName[i+1:]
	}
	return docName
}

const css = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff;margin:0 auto;max-width:60rem;padding:1rem;overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
.meta,.hint,figcaption,.when{color:#57606a;font-size:.85rem}
.missing{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .75rem;border-radius:4px}
.mismatch{color:#a40e26}
nav ol{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.5rem 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
ol.timeline,ol.transcript{list-style:none;padding:0}
ol.timeline li{padding:.25rem 0;border-bottom:1px solid #eaeef2}
.kind{font-weight:600}.text{white-space:pre-wrap;overflow-wrap:anywhere}
ol.transcript>li{padding:.4rem .5rem;border-bottom:1px solid #eaeef2}
ol.transcript>li.reply{margin-left:2rem;border-left:3px solid #d0d7de}
ol.transcript>li.system{color:#57606a}
.author{font-weight:600}.num{color:#57606a;text-decoration:none}
.reactions{font-size:.85rem;color:#57606a}
figure.file{margin:.5rem 0}figure.file img{max-width:100%;height:auto;border:1px solid #d0d7de}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #eaeef2;padding:.25rem .5rem;vertical-align:top}
td{overflow-wrap:anywhere}td.n{white-space:nowrap;overflow-wrap:normal}td.sha{font-family:ui-monospace,monospace;font-size:.8rem}
@media (max-width:40rem){table,tbody,tr,td{display:block}thead{display:none}tr{border-bottom:1px solid #eaeef2;padding:.25rem 0}td{border:0;padding:0 .25rem}}
@media print{nav{display:none}}
`
