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
}

// RankedPlace is an incident's best place for a query, its score and
// snippet: what a store turns into a SearchHit.
type RankedPlace struct {
	IncidentID int64
	Field      SearchField
	Ref        string
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
func RankSearch(terms []SearchTerm, cands []SearchCandidate, limit, offset int) []RankedPlace {
	type scored struct {
		cand    int
		score   float64
		matches []span
		words   []span
	}
	all := make([]scored, len(cands))
	var total float64
	for i, c := range cands {
		words := wordSpans(c.Body)
		all[i] = scored{cand: i, words: words}
		total += float64(len(words))
	}
	avg := max(total/float64(max(len(cands), 1)), 1)
	best := map[int64]int{}
	for i := range all {
		s := &all[i]
		c := cands[s.cand]
		length := float64(len(s.words))
		norm := bm25K1 * (1 - bm25B + bm25B*length/avg)
		for _, t := range terms {
			found := matchTerm(c.Body, s.words, t)
			tf := float64(len(found))
			if tf == 0 {
				tf = 1 // the index matched what this tokenizer does not (accents folded)
			}
			s.score += tf * (bm25K1 + 1) / (tf + norm)
			s.matches = append(s.matches, found...)
		}
		w, ok := SearchWeights[c.Field]
		if !ok {
			w = 1
		}
		s.score *= w
		if b, ok := best[c.IncidentID]; !ok || s.score > all[b].score {
			best[c.IncidentID] = i
		}
	}
	places := make([]RankedPlace, 0, len(best))
	for id, i := range best {
		s := all[i]
		c := cands[s.cand]
		places = append(places, RankedPlace{IncidentID: id, Field: c.Field, Ref: c.Ref, Score: s.score,
			Snippet: snippet(c.Body, s.words, s.matches)})
	}
	sort.Slice(places, func(i, j int) bool {
		if places[i].Score != places[j].Score {
			return places[i].Score > places[j].Score
		}
		return places[i].IncidentID > places[j].IncidentID
	})
	if offset >= len(places) {
		return []RankedPlace{}
	}
	return places[offset:min(len(places), offset+limit)]
}

// span is a word's byte range in a text; in matches, a run of words.
type span struct{ from, to int }

// wordSpans cuts text into words as SearchWords does, keeping where each is.
func wordSpans(text string) []span {
	var out []span
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}

// matchTerm finds where the term occurs among the words: each occurrence
// as the span from its first word's start to its last word's end.
func matchTerm(text string, words []span, t SearchTerm) []span {
	var out []span
	n := len(t.Words)
	for i := 0; i+n <= len(words); i++ {
		ok := true
		for k, want := range t.Words {
			got := text[words[i+k].from:words[i+k].to]
			if k == n-1 && t.Prefix {
				ok = hasPrefixFold(got, want)
			} else {
				ok = strings.EqualFold(got, want)
			}
			if !ok {
				break
			}
		}
		if ok {
			out = append(out, span{words[i].from, words[i+n-1].to})
		}
	}
	return out
}

// hasPrefixFold reports whether word starts with prefix, ignoring case,
// without allocating.
func hasPrefixFold(word, prefix string) bool {
	for _, p := range prefix {
		r, size := utf8.DecodeRuneInString(word)
		if size == 0 || unicode.ToLower(r) != p {
			return false
		}
		word = word[size:]
	}
	return true
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
