package web

import (
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	render := func(ls []diffLine) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(l.Op + l.Text + "|")
		}
		return b.String()
	}
	for _, tt := range []struct {
		name, a, b string
		ctx        int
		want       string
	}{
		{"added line", "a\nb\nc", "a\nb\nx\nc", 9, " a| b|+x| c|"},
		{"removed line", "a\nb\nc", "a\nc", 9, " a|-b| c|"},
		{"changed line", "a\nb\nc", "a\nB\nc", 9, " a|-b|+B| c|"},
		{"from nothing", "", "a\nb", 9, "+a|+b|"},
		{"context trimmed", "1\n2\n3\n4\n5\n6\n7", "1\n2\n3\nX\n5\n6\n7", 1, " …| 3|-4|+X| 5| …|"},
		{"unchanged", "a\nb", "a\nb", 2, ""},
	} {
		if got := render(lineDiff(tt.a, tt.b, tt.ctx)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	// Past the table's bound: the old text out, the new in.
	big := strings.Repeat("x\n", 3000)
	if got := lineDiff(big, big+"y", 2); len(got) != 3001+3001 {
		t.Errorf("a huge diff has %d lines, want every old line removed and every new one added", len(got))
	}
}
