package incident

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SearchCandidate is a place the index found for a query: every term
// occurs in it. The stores hand the newest SearchWindow of them (after the
// filters) to RankSearch.
type SearchCandidate struct {
	IncidentID int64
	Field      SearchField
	Ref        string
	Body       string
	Unit       int64 // the store's own ID of the place, for a store that reads Ref for the page alone
}

// RankedPlace is an incident's best place for a query, its score and
// snippet: what a store turns into a SearchHit.
type RankedPlace struct {
	IncidentID int64
	Field      SearchField
	Ref        string
	Unit       int64 // the candidate's Unit
	Snippet    []SnippetPart
	Score      float64
}

// BM25's constants, as SQLite's FTS5 and Lucene use them.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// RankSearch ranks the candidates and answers each incident once, at its
// best place, best first (equal scores: the newer incident first), the
// page [offset, offset+limit). The score is BM25's term-frequency part
// summed over the terms, normalised by the place's length against the
// candidates' mean, times the place's SearchWeights. BM25's inverse
// document frequency is left out: every candidate holds every term (the
// terms are ANDed), so it would only weigh the terms against each other,
// and counting a common word's documents costs a pass over all of them,
// which is what made ranking grow with the archive. The ranking is one
// rule for both stores, and so is the snippet.
//
// Each body is cut into words once, into one reused buffer, and only its
// length and term counts are kept; the snippets are made for the page's
// places alone (a common word's window is 1,000 places for a page of 20).
func RankSearch(terms []SearchTerm, cands []SearchCandidate, limit, offset int) []RankedPlace {
	nt := len(terms)
	lengths := make([]int, len(cands))
	tfs := make([]int, len(cands)*nt)
	var words, found []span
	total := 0
	for i, c := range cands {
		words = appendWordSpans(words[:0], c.Body)
		lengths[i] = len(words)
		total += len(words)
		for k, t := range terms {
			found = matchTerm(found[:0], c.Body, words, t)
			tfs[i*nt+k] = len(found)
		}
	}
	avg := max(float64(total)/float64(max(len(cands), 1)), 1)
	type best struct {
		cand  int
		score float64
	}
	bests := make([]best, 0, len(cands))
	at := map[int64]int{} // incident -> its index in bests
	for i, c := range cands {
		norm := bm25K1 * (1 - bm25B + bm25B*float64(lengths[i])/avg)
		score := 0.0
		for _, n := range tfs[i*nt : (i+1)*nt] {
			tf := float64(n)
			if tf == 0 {
				tf = 1 // the index matched what foldRune does not fold (ø, ß on PostgreSQL)
			}
			score += tf * (bm25K1 + 1) / (tf + norm)
		}
		w, ok := SearchWeights[c.Field]
		if !ok {
			w = 1
		}
		score *= w
		if b, ok := at[c.IncidentID]; !ok {
			at[c.IncidentID] = len(bests)
			bests = append(bests, best{cand: i, score: score})
		} else if score > bests[b].score {
			bests[b] = best{cand: i, score: score}
		}
	}
	sort.Slice(bests, func(i, j int) bool {
		if bests[i].score != bests[j].score {
			return bests[i].score > bests[j].score
		}
		return cands[bests[i].cand].IncidentID > cands[bests[j].cand].IncidentID
	})
	if offset >= len(bests) {
		return []RankedPlace{}
	}
	page := bests[offset:min(len(bests), offset+limit)]
	places := make([]RankedPlace, len(page))
	for i, b := range page {
		c := cands[b.cand]
		words = appendWordSpans(words[:0], c.Body)
		var matches []span
		for _, t := range terms {
			matches = matchTerm(matches, c.Body, words, t)
		}
		places[i] = RankedPlace{IncidentID: c.IncidentID, Field: c.Field, Ref: c.Ref, Unit: c.Unit, Score: b.score,
			Snippet: snippet(c.Body, words, matches)}
	}
	return places
}

// span is a word's byte range in a text; in matches, a run of words.
type span struct{ from, to int }

// asciiWord marks the ASCII letters and digits: a table, as a branch per
// byte was the tokenizer's cost.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

// appendWordSpans cuts text into words as SearchWords does, appending
// where each is to out. ASCII is read byte by byte: it is most of the
// text, and decoding it as runes was most of a search's ranking time.
func appendWordSpans(out []span, text string) []span {
	start := -1
	for i := 0; i < len(text); {
		c, size := text[i], 1
		var word bool
		if c < utf8.RuneSelf {
			word = asciiWord[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			word = isWordRune(r)
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			out = append(out, span{start, i})
			start = -1
		}
		i += size
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}

// matchTerm appends to out where the term occurs among the words: each
// occurrence as the span from its first word's start to its last word's
// end.
func matchTerm(out []span, text string, words []span, t SearchTerm) []span {
	n := len(t.Words)
	for i := 0; i+n <= len(words); i++ {
		ok := true
		for k, want := range t.Words {
			if ok = wordMatch(text[words[i+k].from:words[i+k].to], want, k == n-1 && t.Prefix); !ok {
				break
			}
		}
		if ok {
			out = append(out, span{words[i].from, words[i+n-1].to})
		}
	}
	return out
}

// wordMatch reports whether the text's word got is the query's word want
// (from SearchWords), ignoring case and diacritics (foldRune), or when
// prefix whether got starts with want. It allocates nothing and reads
// ASCII byte by byte.
func wordMatch(got, want string, prefix bool) bool {
	for len(want) > 0 {
		if len(got) == 0 {
			return false
		}
		if g, w := got[0], want[0]; g < utf8.RuneSelf && w < utf8.RuneSelf {
			if g != w && (g < 'A' || g > 'Z' || g+'a'-'A' != w) {
				return false
			}
			got, want = got[1:], want[1:]
			continue
		}
		g, gs := utf8.DecodeRuneInString(got)
		w, ws := utf8.DecodeRuneInString(want)
		if foldRune(g) != foldRune(w) {
			return false
		}
		got, want = got[gs:], want[ws:]
	}
	return prefix || len(got) == 0
}

// Snippet size, in words around the first match.
const (
	snippetBefore = 8
	snippetWords  = 24
)

// snippet is the text around the first match, matches marked, cut at
// words with "…" where text was left out.
func snippet(text string, words []span, matches []span) []SnippetPart {
	if len(words) == 0 {
		return []SnippetPart{{Text: clean(text)}}
	}
	sort.Slice(matches, func(i, j int) bool { return matches[i].from < matches[j].from })
	first := 0
	if len(matches) > 0 {
		for first < len(words) && words[first].to <= matches[0].from {
			first++
		}
	}
	lo := max(0, first-snippetBefore)
	hi := min(len(words), lo+snippetWords)
	from, to := words[lo].from, words[hi-1].to
	if lo == 0 {
		from = 0
	}
	if hi == len(words) {
		to = len(text)
	}
	var parts []SnippetPart
	add := func(s string, match bool) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Match == match {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, SnippetPart{Text: s, Match: match})
	}
	if lo > 0 {
		add("…", false)
	}
	at := from
	for _, m := range matches {
		if m.to <= at || m.from >= to {
			continue
		}
		start := max(m.from, at)
		add(clean(text[at:start]), false)
		add(clean(text[start:min(m.to, to)]), true)
		at = min(m.to, to)
	}
	add(clean(text[at:to]), false)
	if hi < len(words) {
		add("…", false)
	}
	return parts
}

// clean keeps a snippet on one line and valid UTF-8: each run of white
// space becomes one space.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// SearchHits pairs ranked places with their incidents, read by ID; a place
// whose incident is gone is left out.
func SearchHits(places []RankedPlace, incs map[int64]*Incident) []SearchHit {
	hits := make([]SearchHit, 0, len(places))
	for _, p := range places {
		if inc := incs[p.IncidentID]; inc != nil {
			hits = append(hits, SearchHit{Incident: inc, Field: p.Field, Ref: p.Ref, Snippet: p.Snippet, Score: p.Score})
		}
	}
	return hits
}
