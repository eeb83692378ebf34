package markup

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// BenchmarkMarkdown renders a channel's worth of messages (the chat
// templates, the runbooks and the hostile vectors, each a message) with
// this package and, as the floor, with goldmark's own renderer configured as
// warroom's UI had it before.
func BenchmarkMarkdown(b *testing.B) {
	var msgs []string
	for _, glob := range []string{"../../templates/chat/*", "../../integrations/runbooks/testdata/*.md"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			raw, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			msgs = append(msgs, string(raw))
		}
	}
	for _, tc := range hostile {
		msgs = append(msgs, tc.in)
	}
	plain := goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table),
		goldmark.WithRendererOptions(html.WithHardWraps()))
	b.Run("markup", func(b *testing.B) {
		for b.Loop() {
			for _, m := range msgs {
				_ = Markdown(m)
			}
		}
	})
	b.Run("goldmark", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			for _, m := range msgs {
				buf.Reset()
				_ = plain.Convert([]byte(m), &buf)
				_ = buf.String()
			}
		}
	})
}
