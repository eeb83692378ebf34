package markup

import (
	"strings"

	"golang.org/x/net/html"
)

// allowedSchemes are the URL schemes a link or image may have. Anything
// else (javascript:, vbscript:, data:, file:, ...) is refused: a list of
// what is allowed cannot be outgrown by a scheme nobody thought of.
var allowedSchemes = map[string]bool{"http": true, "https": true, "mailto": true}

// SafeURL reports whether u may be an href or src: an absolute URL with an
// allowed scheme, or a relative reference. It judges u as a browser would
// read the attribute, and also every entity-decoded form of it, so
// "&#106;avascript:", "javascript&colon;", mixed case and tabs, newlines or
// control characters inside or before the scheme are all refused. A
// relative reference whose first segment holds a colon ("%6Aavascript:x")
// is refused too: RFC 3986 does not allow one, and no link needs it.
// Entities are decoded as an HTML5 browser decodes them (x/net/html):
// the standard library's decoder leaves "&#1" before another "&" as it
// is, where a browser reads U+0001, which the URL parser then strips
// ("&#1&#106avascript:" is javascript:; found by FuzzLink).
func SafeURL(u string) bool {
	for i := 0; i < 4; i++ {
		if !safeOnce(u) {
			return false
		}
		d := html.UnescapeString(u)
		if d == u {
			return true
		}
		u = d
	}
	return false // still decoding after four rounds: no honest link does that
}

// safeOnce judges u as the WHATWG URL parser would see it: leading and
// trailing C0 controls and spaces stripped, tabs and newlines removed.
func safeOnce(u string) bool {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	end := strings.IndexAny(u, "/?#")
	if end < 0 {
		end = len(u)
	}
	colon := strings.IndexByte(u[:end], ':')
	if colon < 0 {
		return true // relative: a path, query or fragment of this site, or //host
	}
	return validScheme(u[:colon]) && allowedSchemes[strings.ToLower(u[:colon])]
}

// validScheme is RFC 3986's scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}
