package export

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Prose is a section of text that people wrote in Markdown, such as the
// postmortem or the list of follow-ups: in the page it is shown as
// escaped text (line breaks kept; no Markdown is rendered, so nothing in
// it can become markup), in the Markdown file as written, except that no
// raw HTML or autolink can start in it (every < is written &lt;).
type Prose struct {
	Anchor  string // the section's ID, e.g. "postmortem"
	Heading string // the section's title, e.g. "Postmortem"
	Body    string // the text, Markdown
	Note    string // one line shown above the text (state, who edited last), or ""
	Empty   string // what to say when Body is empty, e.g. "No postmortem yet."
}

// ID implements Section.
func (p Prose) ID() string { return p.Anchor }

// Title implements Section.
func (p Prose) Title() string { return p.Heading }

// HTML implements Section.
func (p Prose) HTML(_ context.Context, w io.Writer, _ *Export) error {
	if p.Note != "" {
		fmt.Fprintf(w, "<p class=\"meta\">%s</p>\n", H(p.Note))
	}
	if strings.TrimSpace(p.Body) == "" {
		fmt.Fprintf(w, "<p class=\"hint\">%s</p>\n", H(p.Empty))
		return nil
	}
	fmt.Fprintf(w, "<div class=\"text prose\">%s</div>\n", H(p.Body))
	return nil
}

// Markdown implements Section.
func (p Prose) Markdown(_ context.Context, w io.Writer, _ *Export) error {
	if p.Note != "" {
		fmt.Fprintf(w, "_%s_\n\n", inline(p.Note))
	}
	if strings.TrimSpace(p.Body) == "" {
		fmt.Fprintf(w, "%s\n", Text(p.Empty))
		return nil
	}
	fmt.Fprintf(w, "%s\n", strings.ReplaceAll(strings.ReplaceAll(p.Body, "\r", ""), "<", "&lt;"))
	return nil
}

// Insert returns sections with s put right after the section whose ID is
// after (at the end when there is none): how another part adds its
// section to Standard().
func Insert(sections []Section, after string, s Section) []Section {
	out := make([]Section, 0, len(sections)+1)
	done := false
	for _, x := range sections {
		out = append(out, x)
		if !done && x.ID() == after {
			out, done = append(out, s), true
		}
	}
	if !done {
		out = append(out, s)
	}
	return out
}
