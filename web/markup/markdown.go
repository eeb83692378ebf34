package markup

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// md is goldmark with the node renderers of this package in front of its
// own for everything that can carry a URL or raw HTML. goldmark's own
// safety (omit raw HTML, blank a URL that starts with a listed bad scheme)
// is a list of what is forbidden; these renderers allow only what SafeURL
// allows and show the rest as text.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table),
	goldmark.WithRendererOptions(html.WithHardWraps(),
		renderer.WithNodeRenderers(util.Prioritized(guard{}, 100))), // before goldmark's (1000)
)

// Markdown renders chat Markdown as HTML that is safe to put in a page.
func Markdown(s string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(s), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(buf.String()) // #nosec: every URL and raw HTML node goes through guard
}

// Link renders a link to url with the text, or the text alone when url is
// not SafeURL. It is for URLs that come as data (an alert's runbook and
// dashboard links) rather than inside Markdown.
func Link(url, text string) template.HTML {
	if !SafeURL(url) {
		return template.HTML(template.HTMLEscapeString(text))
	}
	return template.HTML(`<a href="` + template.HTMLEscapeString(url) + `" rel="noreferrer">` +
		template.HTMLEscapeString(text) + `</a>`)
}

// guard renders the nodes that carry URLs or raw HTML.
type guard struct{}

func (guard) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindLink, renderLink)
	r.Register(ast.KindImage, renderImage)
	r.Register(ast.KindAutoLink, renderAutoLink)
	r.Register(ast.KindRawHTML, renderRawHTML)
	r.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

// renderLink writes an allowed link as <a>, and a refused one as its text
// (the children are rendered either way).
func renderLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	dest := util.URLEscape(n.Destination, true)
	if !SafeURL(string(dest)) {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`" rel="noreferrer"`)
	writeTitle(w, n.Title)
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

// renderImage writes an allowed image as <img>, and a refused one as its
// alt text.
func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	dest := util.URLEscape(n.Destination, true)
	var alt bytes.Buffer
	plainText(&alt, source, n)
	if !SafeURL(string(dest)) {
		html.DefaultWriter.Write(w, alt.Bytes())
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<img src="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`" alt="`)
	html.DefaultWriter.Write(w, alt.Bytes())
	_ = w.WriteByte('"')
	writeTitle(w, n.Title)
	_ = w.WriteByte('>')
	return ast.WalkSkipChildren, nil
}

// renderAutoLink writes <https://…>, www.… and e-mail addresses as links
// when allowed, else as text.
func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	url := util.URLEscape(n.URL(source), false)
	if n.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
		url = append([]byte("mailto:"), url...)
	}
	label := util.EscapeHTML(n.Label(source))
	if !SafeURL(string(url)) {
		_, _ = w.Write(label)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(url))
	_, _ = w.WriteString(`" rel="noreferrer">`)
	_, _ = w.Write(label)
	_, _ = w.WriteString(`</a>`)
	return ast.WalkContinue, nil
}

// renderRawHTML shows inline HTML as the text that was typed.
func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	for i := 0; i < n.Segments.Len(); i++ {
		s := n.Segments.At(i)
		_, _ = w.Write(util.EscapeHTML(s.Value(source)))
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock shows a block of HTML as the text that was typed, in a
// paragraph of its own.
func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<p>")
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		if i > 0 {
			_, _ = w.WriteString("<br>\n")
		}
		s := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(s.Value(source), "\r\n")))
	}
	if n.HasClosure() {
		_, _ = w.WriteString("<br>\n")
		_, _ = w.Write(util.EscapeHTML(bytes.TrimRight(n.ClosureLine.Value(source), "\r\n")))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}

// plainText writes the text of n's descendants, as goldmark does for an
// image's alt text.
func plainText(buf *bytes.Buffer, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			buf.Write(c.Segment.Value(source))
		case *ast.String:
			buf.Write(c.Value)
		default:
			plainText(buf, source, c)
		}
	}
}

// writeTitle writes a link's or image's title attribute, escaped, if it has one.
func writeTitle(w util.BufWriter, title []byte) {
	if title == nil {
		return
	}
	_, _ = w.WriteString(` title="`)
	html.DefaultWriter.Write(w, title)
	_ = w.WriteByte('"')
}
