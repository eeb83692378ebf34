package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// md renders chat Markdown for the UI. goldmark leaves raw HTML out and
// drops dangerous link schemes (javascript: and the like) unless told to be
// unsafe, which it is not: what people type cannot inject markup.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table),
	goldmark.WithRendererOptions(html.WithHardWraps()),
)

// renderMarkdown is the template function "md".
func renderMarkdown(s string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(s), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(buf.String()) // #nosec: goldmark output without raw HTML
}
