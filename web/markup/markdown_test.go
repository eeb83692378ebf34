package markup

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/web/markup/markuptest"
)

// hostile are the links and images that must come out as text.
var hostile = []struct{ name, in string }{
	{"decimal entity", "[x](&#106;avascript:alert(1))"},
	{"hex entity", "[x](&#x6A;avascript:alert(1))"},
	{"hex entity upper", "[x](&#X6a;avascript:alert(1))"},
	{"entity without semicolon", "[x](&#106avascript:alert(1))"},
	{"colon entity", "[x](javascript&colon;alert(1))"},
	{"colon numeric", "[x](javascript&#58;alert(1))"},
	{"double encoded", "[x](&amp;#106;avascript:alert(1))"},
	{"mixed case", "[x](JaVaScRiPt:alert(1))"},
	{"leading space entity", "[x](&#32;javascript:alert(1))"},
	{"leading tab entity", "[x](&Tab;javascript:alert(1))"},
	{"tab inside scheme", "[x](java&Tab;script:alert(1))"},
	{"newline inside scheme", "[x](java&NewLine;script:alert(1))"},
	{"nul inside scheme", "[x](java&#0;script:alert(1))"},
	{"control char", "[x](java\x01script:alert(1))"},
	{"angle destination with space", "[x](<java script:alert(1)>)"},
	{"percent encoded", "[x](%6Aavascript:alert(1))"},
	{"vbscript", "[x](vbscript:msgbox(1))"},
	{"data", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
	{"data image", "![i](data:image/png;base64,iVBORw0KGgo=)"},
	{"file", "[x](file:///etc/passwd)"},
	{"image entity", "![i](&#106;avascript:alert(1))"},
	{"reference link", "[x]: &#106;avascript:alert(1)\n\n[y][x]"},
	{"reference image", "[x]: javascript&colon;alert(1)\n\n![y][x]"},
	{"autolink", "<javascript:alert(1)>"},
	{"autolink mixed case", "<JAVASCRIPT:alert(1)>"},
	{"autolink vbscript", "<vbscript:msgbox(1)>"},
	{"autolink data", "<data:text/html,hi>"},
	{"raw anchor", `<a href="javascript:alert(1)">x</a>`},
	{"raw img onerror", `<img src=x onerror=alert(1)>`},
	{"raw script block", "<script>alert(1)</script>"},
	{"raw svg", `<svg onload=alert(1)>`},
	{"raw iframe", `<iframe src="javascript:alert(1)"></iframe>`},
	{"raw comment", "<!-- x --><b onclick=alert(1)>b</b>"},
	{"title breakout", `[x](https://ok.example "a\" onmouseover=\"alert(1)")`},
	{"link inside link text", "[[y](javascript:alert(1))](https://ok.example)"},
	{"nested image in link", "[![i](javascript:alert(1))](vbscript:x)"},
	{"code info string", "```\" onload=\"alert(1)\nx\n```"},
}

func TestMarkdownHostile(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			out := string(Markdown(tc.in))
			if err := markuptest.CheckFragment(out); err != nil {
				t.Fatalf("Markdown(%q) = %q: %v", tc.in, out, err)
			}
			for _, bad := range []string{"javascript:", "vbscript:", "data:", "file:"} {
				if strings.Contains(out, `href="`+bad) || strings.Contains(out, `src="`+bad) {
					t.Fatalf("Markdown(%q) = %q: a %s link survived", tc.in, out, bad)
				}
			}
			if strings.Contains(out, "<script") || strings.Contains(out, "<iframe") || strings.Contains(out, "<svg") {
				t.Fatalf("Markdown(%q) = %q: raw HTML got through", tc.in, out)
			}
		})
	}
}

func TestMarkdownRefusedLinkIsText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[click me](&#106;avascript:alert(1))", "<p>click me</p>\n"},
		{"![a graph](javascript:alert(1))", "<p>a graph</p>\n"},
		{"<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n"},
		{"<b>bold</b>", "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"},
		{"<div>\nhi\n</div>", "<p>&lt;div&gt;<br>\nhi<br>\n&lt;/div&gt;</p>\n"},
	}
	for _, tc := range tests {
		if got := string(Markdown(tc.in)); got != tc.want {
			t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownKeepsGoodLinks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[runbook](https://wiki.example/rb?a=1&b=2)", `<p><a href="https://wiki.example/rb?a=1&amp;b=2" rel="noreferrer">runbook</a></p>` + "\n"},
		{"[INC-2](/incidents/INC-2)", `<p><a href="/incidents/INC-2" rel="noreferrer">INC-2</a></p>` + "\n"},
		{"[mail](mailto:oncall@example.com)", `<p><a href="mailto:oncall@example.com" rel="noreferrer">mail</a></p>` + "\n"},
		{"[top](#m-1)", `<p><a href="#m-1" rel="noreferrer">top</a></p>` + "\n"},
		{"[t](HTTPS://x.example \"the title\")", `<p><a href="HTTPS://x.example" rel="noreferrer" title="the title">t</a></p>` + "\n"},
		{"see https://grafana.example/d/1 now", `<p>see <a href="https://grafana.example/d/1" rel="noreferrer">https://grafana.example/d/1</a> now</p>` + "\n"},
		{"www.example.com", `<p><a href="http://www.example.com" rel="noreferrer">www.example.com</a></p>` + "\n"},
		{"ops@example.com", `<p><a href="mailto:ops@example.com" rel="noreferrer">ops@example.com</a></p>` + "\n"},
		{"![g](/channels/c1/files/f1)", `<p><img src="/channels/c1/files/f1" alt="g"></p>` + "\n"},
		{"**bold** ~~gone~~ `x<y`", "<p><strong>bold</strong> <del>gone</del> <code>x&lt;y</code></p>\n"},
	}
	for _, tc := range tests {
		got := string(Markdown(tc.in))
		if got != tc.want {
			t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if err := markuptest.CheckFragment(got); err != nil {
			t.Errorf("Markdown(%q): %v", tc.in, err)
		}
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://example.com/x", true},
		{"http://example.com", true},
		{"HTTP://EXAMPLE.COM", true},
		{"mailto:a@example.com", true},
		{"/incidents/INC-1", true},
		{"incidents/INC-1?x=a:b", true},
		{"#m-3", true},
		{"?q=a:b", true},
		{"//cdn.example/x", true},
		{"", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{" javascript:alert(1)", false},
		{"\x00javascript:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{"java\nscript:alert(1)", false},
		{"java\x00script:alert(1)", false},
		{"&#106;avascript:alert(1)", false},
		{"&#x6A;avascript:alert(1)", false},
		{"javascript&colon;alert(1)", false},
		{"&amp;#106;avascript:alert(1)", false},
		{"&amp;amp;amp;amp;#106;avascript:x", false},
		{"%6Aavascript:alert(1)", false},
		{"vbscript:msgbox", false},
		{"data:text/html,x", false},
		{"data:image/png;base64,AAAA", false},
		{"ftp://example.com", false},
		{"file:///etc/passwd", false},
		{"1http://x", false},
		{"ht tp://x", false},
	}
	for _, tc := range tests {
		if got := SafeURL(tc.url); got != tc.want {
			t.Errorf("SafeURL(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}

func TestLink(t *testing.T) {
	tests := []struct{ url, text, want string }{
		{"https://rb.example/a?b=1&c=2", "runbook", `<a href="https://rb.example/a?b=1&amp;c=2" rel="noreferrer">runbook</a>`},
		{"&#106;avascript:alert(1)", "runbook", "runbook"},
		{"javascript:alert(1)", "<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"},
		{`https://x.example/" onclick="alert(1)`, "x", `<a href="https://x.example/&#34; onclick=&#34;alert(1)" rel="noreferrer">x</a>`},
	}
	for _, tc := range tests {
		got := string(Link(tc.url, tc.text))
		if got != tc.want {
			t.Errorf("Link(%q, %q) = %q, want %q", tc.url, tc.text, got, tc.want)
		}
		if err := markuptest.CheckFragment(got); err != nil {
			t.Errorf("Link(%q): %v", tc.url, err)
		}
	}
}
