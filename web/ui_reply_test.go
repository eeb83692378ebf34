package web

import (
	"html"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/go-cmp/cmp"
)

var (
	replyRE = regexp.MustCompile(`(?s)<li class="msg ephemeral( failed)?" id="reply"[^>]*>(.*?)</li>`)
	typedRE = regexp.MustCompile(`(?s)<div class="typed">You: <code>(.*?)</code></div>`)
	textRE  = regexp.MustCompile(`(?s)<div class="text md">(?:<b class="refused">Refused:</b> )?(.*?)</div>`)
	tagRE   = regexp.MustCompile(`<[^>]+>`)
)

// shownReply is a reply as a page shows it, in text.
type shownReply struct {
	Typed, Text string
	Failed      bool
}

// replyOf reads the reply a page shows, or nil.
func replyOf(body string) *shownReply {
	m := replyRE.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	r := &shownReply{Failed: m[1] != ""}
	if t := typedRE.FindStringSubmatch(m[2]); t != nil {
		r.Typed = html.UnescapeString(t[1])
	}
	if t := textRE.FindStringSubmatch(m[2]); t != nil {
		r.Text = strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(t[1], "")))
	}
	return r
}

// wantReply follows a redirect's page and checks the reply it shows (nil:
// none) and that it shows no banner.
func (x *harness) wantReply(path string, c *http.Cookie, want *shownReply) string {
	x.t.Helper()
	body := x.get(path, c).Body.String()
	if diff := cmp.Diff(want, replyOf(body)); diff != "" {
		x.t.Errorf("reply on %s (-want +got):\n%s", path, diff)
	}
	if n, e := banners(body); n != "" || e != "" {
		x.t.Errorf("%s shows banners %q %q; a reply belongs beside what was done", path, n, e)
	}
	return body
}
