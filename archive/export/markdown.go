package export

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/warroom/warroom/archive"
)

// WriteZip writes the record as a zip to w: KEY/KEY.md, the record as
// Markdown, and KEY/files/NAME for every stored file, which the Markdown
// links relatively (files/NAME). Everything is streamed; the zip holds
// every file whatever its size.
func WriteZip(ctx context.Context, w io.Writer, rec Record, sections []Section) error {
	x := newExport(rec, Options{})
	inc := x.Incident
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: inc.Key + "/" + inc.Key + ".md", Method: zip.Deflate, Modified: x.At})
	if err != nil {
		return fmt.Errorf("zip %s: %w", inc.Key, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	fmt.Fprintf(bw, "# %s\n\nExported from warroom %s.\n\n", inline(inc.Key+": "+inc.Title), x.At.UTC().Format(timeLayout))
	if m := x.Missing(); m != "" {
		fmt.Fprintf(bw, "> **Incomplete.** %s\n\n", inline(m))
	}
	for _, s := range sections {
		fmt.Fprintf(bw, "- [%s](#%s)\n", inline(s.Title()), s.ID())
	}
	for _, s := range sections {
		fmt.Fprintf(bw, "\n## %s\n\n", inline(s.Title()))
		if err := s.Markdown(ctx, bw, x); err != nil {
			return fmt.Errorf("export %s of %s: %w", s.Title(), inc.Key, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the export of %s: %w", inc.Key, err)
	}
	for _, d := range x.FileDocs() {
		if err := zipFile(ctx, zw, inc.Key+"/"+FilePath(d.Name), d, x); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish the zip of %s: %w", inc.Key, err)
	}
	return nil
}

// zipFile copies one stored file into the zip as it streams from the store.
func zipFile(ctx context.Context, zw *zip.Writer, name string, d archive.Stored, x *Export) error {
	method := zip.Deflate
	if strings.HasPrefix(d.ContentType, "image/") {
		method = zip.Store // already compressed
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: x.At})
	if err != nil {
		return fmt.Errorf("zip %s: %w", d.Name, err)
	}
	rc, err := d.Open(ctx)
	if err != nil {
		return fmt.Errorf("open %s: %w", d.Name, err)
	}
	defer rc.Close()
	if _, err := io.Copy(f, rc); err != nil {
		return fmt.Errorf("copy %s into the zip: %w", d.Name, err)
	}
	return nil
}

// mdEscaper backslash-escapes what would make a text into Markdown markup
// that a renderer turns into HTML: raw HTML and autolinks (<), entities
// (&), links and images ([ ] !), and the backslash itself. Emphasis and
// code spans are left as people wrote them.
var mdEscaper = strings.NewReplacer(`\`, `\\`, `<`, `\<`, `>`, `\>`, `&`, `\&`, `[`, `\[`, `]`, `\]`, `!`, `\!`)

// inline escapes a text written in the middle of a Markdown line, folded
// onto that line.
func inline(s string) string { return mdEscaper.Replace(oneLine(s)) }

// Text escapes s for a Markdown document: no HTML can start in it and no
// link is made of it, and a line of it does not start a heading, a quote,
// a list or a table (the first character of such a line is escaped).
func Text(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	for i, l := range lines {
		l = mdEscaper.Replace(l)
		trimmed := strings.TrimLeft(l, " ")
		indent := l[:len(l)-len(trimmed)]
		digits := len(trimmed) - len(strings.TrimLeft(trimmed, "0123456789"))
		switch {
		case trimmed == "":
		case strings.ContainsRune("#-+*=|~`", rune(trimmed[0])):
			l = indent + `\` + trimmed
		case digits > 0 && digits < len(trimmed) && (trimmed[digits] == '.' || trimmed[digits] == ')'):
			l = indent + trimmed[:digits] + `\` + trimmed[digits:] // "1." would start a list
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}
