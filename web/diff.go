package web

import "strings"

// diffLine is one line of a revision's change against the one before:
// Op is ' ' (kept), '-' (removed) or '+' (added).
type diffLine struct {
	Op   string
	Text string
}

// maxDiffCells bounds the table lineDiff fills (lines before times lines
// after): past it, the change is shown as the old text removed and the
// new one added, which is true if coarse.
const maxDiffCells = 4 << 20

// lineDiff is the line-by-line change from a to b (a longest common
// subsequence of lines), with kept lines more than ctx lines away from a
// change left out (an "…" line stands for them).
func lineDiff(a, b string, ctx int) []diffLine {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	if a == "" {
		x = nil
	}
	var all []diffLine
	if len(x)*len(y) > maxDiffCells {
		for _, l := range x {
			all = append(all, diffLine{"-", l})
		}
		for _, l := range y {
			all = append(all, diffLine{"+", l})
		}
		return all
	}
	// lcs[i][j] is the length of the common subsequence of x[i:] and y[j:].
	lcs := make([][]int32, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			all = append(all, diffLine{" ", x[i]})
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			all = append(all, diffLine{"-", x[i]})
			i++
		default:
			all = append(all, diffLine{"+", y[j]})
			j++
		}
	}
	return trimContext(all, ctx)
}

// trimContext keeps the changed lines and ctx kept lines around each.
func trimContext(all []diffLine, ctx int) []diffLine {
	keep := make([]bool, len(all))
	for i, l := range all {
		if l.Op == " " {
			continue
		}
		for k := max(0, i-ctx); k <= min(len(all)-1, i+ctx); k++ {
			keep[k] = true
		}
	}
	var out []diffLine
	gap := false
	for i, l := range all {
		if !keep[i] {
			gap = true
			continue
		}
		if gap {
			out = append(out, diffLine{" ", "…"})
		}
		gap = false
		out = append(out, l)
	}
	if gap && len(out) > 0 {
		out = append(out, diffLine{" ", "…"})
	}
	return out
}
