package web

import "github.com/warroom/warroom/web/markup"

// The template functions "md" and "link" are the only ways user- and
// alert-supplied text becomes markup in the UI; everything else is plain
// text that html/template escapes.
var (
	renderMarkdown = markup.Markdown
	renderLink     = markup.Link
)
