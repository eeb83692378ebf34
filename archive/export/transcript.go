package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/warroom/warroom/archive"
)

// Transcript is the channel's messages as the archive stored them: each
// with its number, author and time, an edit's time, a reply marked as a
// reply to its thread's root, reactions, and files in place (images shown,
// other files as download links in the page, links into files/ in the
// zip). It is read from the stored JSON transcript one message at a time,
// and its bytes are checked against the SHA-256 the archive verified.
type Transcript struct{}

// ID implements Section.
func (Transcript) ID() string { return "transcript" }

// Title implements Section.
func (Transcript) Title() string { return "Transcript" }

// HTML implements Section.
func (Transcript) HTML(ctx context.Context, w io.Writer, x *Export) error {
	doc := x.TranscriptDoc()
	if doc == nil {
		fmt.Fprintf(w, "<p class=\"hint\">%s</p>\n", H(x.Missing()))
		return nil
	}
	fmt.Fprintf(w, "<p class=\"meta\">From %s (%d bytes, SHA-256 %s), %s.</p>\n<ol class=\"transcript\">\n",
		H(doc.Name), doc.Size, H(doc.SHA256), H(placement(*doc)))
	n, problem, err := x.eachMessage(ctx, *doc, func(n int, m archive.Message, root int) error {
		class := "msg"
		if m.ThreadID != "" {
			class += " reply"
		}
		if m.System {
			class += " system"
		}
		fmt.Fprintf(w, "<li id=\"m-%d\" class=\"%s\"><div class=\"meta\"><a class=\"num\" href=\"#m-%d\">#%d</a> <span class=\"author\">%s</span> <time datetime=\"%s\">%s</time>",
			n, class, n, n, H(author(m)), m.At.UTC().Format("2006-01-02T15:04:05.000Z"), H(m.At.UTC().Format(timeLayout)))
		if m.EditedAt != nil {
			fmt.Fprintf(w, " <i class=\"edited\">(edited %s)</i>", H(m.EditedAt.UTC().Format(timeLayout)))
		}
		switch {
		case m.ThreadID != "" && root > 0:
			fmt.Fprintf(w, " <a class=\"thread\" href=\"#m-%d\">↳ reply to #%d</a>", root, root)
		case m.ThreadID != "":
			io.WriteString(w, " <span class=\"thread\">↳ reply to an earlier message</span>")
		}
		fmt.Fprintf(w, "</div><div class=\"text\">%s</div>\n", H(m.Text))
		for i, f := range m.Files {
			anchor := fmt.Sprintf("m-%d-f%d", n, i+1)
			if d := x.Doc(f.Archived); f.Archived != "" && d != nil {
				if err := x.embedFile(ctx, w, *d, anchor); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(w, "<div class=\"file\" id=\"%s\">📎 %s (%s, %d bytes): not copied into the archive: %s</div>\n",
				anchor, H(f.Name), H(f.Type), f.Size, H(notCopied(f)))
		}
		if len(m.Reactions) > 0 {
			io.WriteString(w, "<div class=\"reactions\">")
			for _, re := range m.Reactions {
				fmt.Fprintf(w, "<span class=\"reaction\">:%s: %s</span> ", H(re.Emoji), H(strings.Join(re.Users, ", ")))
			}
			io.WriteString(w, "</div>")
		}
		io.WriteString(w, "</li>\n")
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		io.WriteString(w, "<li class=\"empty\">The channel had no messages.</li>\n")
	}
	io.WriteString(w, "</ol>\n")
	if problem != "" {
		fmt.Fprintf(w, "<p class=\"mismatch\">%s</p>\n", H(problem))
	}
	return nil
}

// Markdown implements Section.
func (Transcript) Markdown(ctx context.Context, w io.Writer, x *Export) error {
	doc := x.TranscriptDoc()
	if doc == nil {
		fmt.Fprintf(w, "%s\n", Text(x.Missing()))
		return nil
	}
	fmt.Fprintf(w, "From %s (%d bytes, SHA-256 `%s`), %s.\n\n", inline(doc.Name), doc.Size, doc.SHA256, inline(placement(*doc)))
	n, problem, err := x.eachMessage(ctx, *doc, func(n int, m archive.Message, root int) error {
		prefix := ""
		if m.ThreadID != "" {
			prefix = "> "
			if root > 0 {
				fmt.Fprintf(w, "> ↳ reply to #%d\n", root)
			} else {
				io.WriteString(w, "> ↳ reply to an earlier message\n")
			}
		}
		fmt.Fprintf(w, "%s**#%d** **%s** · %s", prefix, n, inline(author(m)), m.At.UTC().Format(timeLayout))
		if m.EditedAt != nil {
			fmt.Fprintf(w, " (edited %s)", m.EditedAt.UTC().Format(timeLayout))
		}
		io.WriteString(w, "  \n")
		for _, line := range strings.Split(Text(m.Text), "\n") {
			fmt.Fprintf(w, "%s%s  \n", prefix, line)
		}
		for _, f := range m.Files {
			d := x.Doc(f.Archived)
			switch {
			case f.Archived == "" || d == nil:
				fmt.Fprintf(w, "%s📎 %s (%s, %d bytes): not copied into the archive: %s  \n", prefix, inline(f.Name), inline(f.Type), f.Size, inline(notCopied(f)))
			case imageTypes[strings.ToLower(strings.Split(d.ContentType, ";")[0])]:
				fmt.Fprintf(w, "%s![%s](%s)  \n%s%s (%s, %d bytes, SHA-256 `%s`)  \n", prefix, inline(f.Name), mdPath(d.Name), prefix, inline(f.Name), inline(d.ContentType), d.Size, d.SHA256)
			default:
				fmt.Fprintf(w, "%s📎 [%s](%s) (%s, %d bytes, SHA-256 `%s`)  \n", prefix, inline(f.Name), mdPath(d.Name), inline(d.ContentType), d.Size, d.SHA256)
			}
		}
		for _, re := range m.Reactions {
			fmt.Fprintf(w, "%s:%s: %s  \n", prefix, inline(re.Emoji), inline(strings.Join(re.Users, ", ")))
		}
		io.WriteString(w, "\n")
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		io.WriteString(w, "The channel had no messages.\n")
	}
	if problem != "" {
		fmt.Fprintf(w, "\n**%s**\n", Text(problem))
	}
	return nil
}

// eachMessage streams the stored JSON transcript, numbering the messages
// as the archive's Markdown transcript does and handing fn each with the
// number of its thread's root (0 when unknown). It hashes what it reads
// and returns, besides the count, a problem to show when the bytes differ
// from what the archive verified.
func (x *Export) eachMessage(ctx context.Context, doc archive.Stored, fn func(n int, m archive.Message, root int) error) (int, string, error) {
	rc, err := doc.Open(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("open %s: %w", doc.Name, err)
	}
	defer rc.Close()
	h := archive.NewHasher()
	r := io.TeeReader(rc, h)
	n := 0
	err = archive.EachMessage(r, func(m archive.Message) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		if m.ThreadID == "" {
			x.num[m.ID] = n
		}
		return fn(n, m, x.num[m.ThreadID])
	})
	if err != nil {
		return n, "", fmt.Errorf("read %s: %w", doc.Name, err)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return n, "", fmt.Errorf("read %s: %w", doc.Name, err)
	}
	if sum, size := h.Sum(); sum != doc.SHA256 || size != doc.Size {
		return n, fmt.Sprintf("The stored transcript (%d bytes, SHA-256 %s) differs from what the archive verified (%d bytes, %s): rebuild it before relying on this export.",
			size, sum, doc.Size, doc.SHA256), nil
	}
	return n, "", nil
}

// author is who wrote a message, as the transcript shows it.
func author(m archive.Message) string {
	switch {
	case m.System:
		return "system"
	case m.Bot:
		return m.Author + " (bot)"
	}
	return m.Author
}

func notCopied(f archive.File) string {
	if f.NotCopied != "" {
		return f.NotCopied
	}
	return "the archive holds no copy"
}
