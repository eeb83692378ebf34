package markup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/web/markup/markuptest"
)

// FuzzMarkdown: whatever the text, the HTML has no executable link, no
// event handler attribute, no element or attribute the renderer does not
// write itself (raw HTML from the input), and no comment. Seeded with the
// vectors of the table tests, the chat templates and the runbooks of the
// repository's testdata.
func FuzzMarkdown(f *testing.F) {
	for _, tc := range hostile {
		f.Add(tc.in)
	}
	for _, glob := range []string{"../../templates/chat/*", "../../integrations/runbooks/testdata/*.md"} {
		files, _ := filepath.Glob(glob)
		if len(files) == 0 {
			f.Fatalf("no seed files %s", glob)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := string(Markdown(in))
		if err := markuptest.CheckFragment(out); err != nil {
			t.Fatalf("Markdown(%q) = %q: %v", in, out, err)
		}
	})
}

// FuzzLink: a link is either a link to a URL SafeURL allows, with the text
// escaped, or the text alone.
func FuzzLink(f *testing.F) {
	for _, tc := range []string{"https://rb.example/a?b=1&c=2", "&#106;avascript:alert(1)", "java\tscript:x", "/incidents/INC-1", `x" onclick="y`} {
		f.Add(tc, "text <b>")
	}
	f.Fuzz(func(t *testing.T, url, text string) {
		out := string(Link(url, text))
		if err := markuptest.CheckFragment(out); err != nil {
			t.Fatalf("Link(%q, %q) = %q: %v", url, text, out, err)
		}
		if strings.HasPrefix(out, "<a ") != SafeURL(url) {
			t.Fatalf("Link(%q) = %q, though SafeURL says %v", url, out, SafeURL(url))
		}
	})
}
