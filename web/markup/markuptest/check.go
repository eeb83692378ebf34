// Package markuptest checks HTML for what must never reach a warroom page
// from user- or alert-supplied text: an executable link, an event handler
// attribute, or markup the renderer does not write. It parses the HTML as a
// browser's tokenizer would (entities decoded), independently of the
// renderer's own rules, so a test of the renderer does not grade itself.
package markuptest

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// fragmentElements are the elements markup.Markdown writes.
var fragmentElements = map[string]bool{
	"p": true, "br": true, "a": true, "img": true, "em": true, "strong": true, "del": true,
	"code": true, "pre": true, "ul": true, "ol": true, "li": true, "blockquote": true, "hr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "input": true,
}

// fragmentAttrs are the attributes it writes (input: a task list checkbox).
var fragmentAttrs = map[string]bool{
	"href": true, "src": true, "alt": true, "title": true, "rel": true, "class": true,
	"start": true, "align": true, "style": true, "checked": true, "disabled": true, "type": true,
}

// urlAttrs hold URLs a browser may fetch or navigate to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "srcset": true,
	"poster": true, "background": true, "xlink:href": true, "data": true, "cite": true,
}

var alignStyle = regexp.MustCompile(`^text-align:\s*(left|right|center);?$`)

// CheckFragment returns an error naming the first thing in s, a rendered
// text, that is not allowed: an element or attribute the renderer does not
// write (raw HTML from the input), an event handler, a comment, or a URL
// with an executable scheme.
func CheckFragment(s string) error {
	return walk(s, func(tok html.Token) error {
		switch tok.Type {
		case html.CommentToken, html.DoctypeToken:
			return fmt.Errorf("%s in rendered text: %q", tok.Type, tok.Data)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			if !fragmentElements[tok.Data] {
				return fmt.Errorf("element <%s> in rendered text: raw HTML got through", tok.Data)
			}
			if tok.Type == html.StartTagToken && tok.Data == "a" && attr(tok, "rel") != "noreferrer" {
				return fmt.Errorf("<a> without the renderer's rel=noreferrer in rendered text: raw HTML got through: %s", tok)
			}
		}
		for _, a := range tok.Attr {
			if !fragmentAttrs[a.Key] {
				return fmt.Errorf("attribute %s=%q on <%s> in rendered text", a.Key, a.Val, tok.Data)
			}
			if a.Key == "style" && !alignStyle.MatchString(a.Val) {
				return fmt.Errorf("style=%q on <%s> in rendered text", a.Val, tok.Data)
			}
		}
		return nil
	})
}

func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// CheckPage returns an error naming the first executable link, event
// handler attribute or inline script in s, a whole page.
func CheckPage(s string) error {
	return walk(s, func(tok html.Token) error {
		if tok.Type == html.StartTagToken && tok.Data == "script" {
			if src := attr(tok, "src"); !strings.HasPrefix(src, "/static/") {
				return fmt.Errorf("<script src=%q> on the page: only warroom's own /static scripts belong there", src)
			}
		}
		return nil
	})
}

// walk tokenizes s and applies the checks every HTML must pass (no on*
// attribute, no executable URL) and then check to each token.
func walk(s string, check func(html.Token) error) error {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		if z.Next() == html.ErrorToken {
			if errors.Is(z.Err(), io.EOF) {
				return nil
			}
			return fmt.Errorf("tokenize: %w", z.Err())
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "on") {
				return fmt.Errorf("event handler %s=%q on <%s>", a.Key, a.Val, tok.Data)
			}
			if urlAttrs[a.Key] && Executable(a.Val) {
				return fmt.Errorf("executable link %s=%q on <%s>", a.Key, a.Val, tok.Data)
			}
		}
		if err := check(tok); err != nil {
			return err
		}
	}
}

// Executable reports whether an attribute value, entity-decoded as the
// tokenizer gives it, is a javascript:, vbscript: or data: URL as a browser
// would read it: with C0 controls, spaces, tabs and newlines anywhere in
// the scheme ignored and in any case. It decodes entities once more, for a
// value that reaches the page escaped twice.
func Executable(v string) bool {
	for _, s := range []string{v, html.UnescapeString(v)} {
		squeezed := strings.Map(func(r rune) rune {
			if r <= ' ' {
				return -1
			}
			return r
		}, strings.ToLower(s))
		for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
			if strings.HasPrefix(squeezed, scheme) {
				return true
			}
		}
	}
	return false
}
