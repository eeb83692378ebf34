package incident

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// Searcher is the full-text search of incidents: their titles, summaries,
// labels, timelines and archived transcripts, through an index the store
// keeps current in the same transaction as every write.
type Searcher interface {
	// Search returns the incidents that match q.Terms and the filters,
	// best first, one hit per incident (its best-matching place), each
	// with a snippet of that place. A query without terms is KindInvalid.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
}

// SearchQuery is a full-text search. Every term must occur in one place
// (the title, the summary, the labels, one timeline event or one
// transcript message) for that place to match.
type SearchQuery struct {
	Terms     []SearchTerm // from ParseSearch; at least one
	Status    []Status     // any of these; empty means all
	Severity  []Severity   // any of these; empty means all
	Source    string       // "" means any
	Labels    map[string]string
	Commander string    // "" means any
	From, To  time.Time // opened at or after From and before To; zero means open-ended
	Limit     int       // 0 means a default page (20); at most 100
	Offset    int
}

// SearchTerm is a word, a phrase (several words one after another) or a
// prefix (the last word may go on: "check*" finds checkout).
type SearchTerm struct {
	Words  []string // lower case, letters and digits only
	Prefix bool
}

// SearchField names the place a hit matched.
type SearchField string

// The places the index holds.
const (
	FieldTitle      SearchField = "title" // the key and the title
	FieldSummary    SearchField = "summary"
	FieldLabels     SearchField = "labels"     // name=value pairs
	FieldTimeline   SearchField = "timeline"   // one event; Ref is its ID
	FieldTranscript SearchField = "transcript" // one message; Ref is its ID
)

// SearchWeights multiply a place's relevance: a word in the title says
// more about an incident than the same word in a chat message.
var SearchWeights = map[SearchField]float64{
	FieldTitle: 4, FieldLabels: 2, FieldSummary: 2, FieldTimeline: 1, FieldTranscript: 1,
}

// SearchWindow is how many of the newest matching places a search ranks.
// Ranking every match of a word that is everywhere grows with the archive;
// ranking the newest SearchWindow keeps each search's work bounded (a rare
// word has fewer matches than this and is ranked among all of them).
const SearchWindow = 1000

// SearchHit is one incident found, at the place where it matched best.
type SearchHit struct {
	Incident *Incident
	Field    SearchField
	Ref      string        // the event's or message's ID; "" for the other places
	Snippet  []SnippetPart // the matched place around the match, matches marked
	Score    float64       // higher is better
}

// SnippetPart is a piece of a snippet; Match marks the words that matched.
type SnippetPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// Limits of a search query.
const (
	maxSearchLen   = 500
	maxSearchTerms = 16
)

// ParseSearch reads what a person typed: words, "quoted phrases" and
// prefixes (check*). Words are cut at anything but letters and digits, as
// the index cuts the text (so INC-42 and service=checkout search as
// phrases). Nothing of the text reaches the index's own query syntax: the
// stores build their queries from the terms. A query the index cannot
// answer is KindInvalid with what to write instead.
func ParseSearch(q string) ([]SearchTerm, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, Errorf(KindInvalid, "the search is empty: give q, for example q=timeout or q=\"connection refused\"")
	}
	if len(q) > maxSearchLen {
		return nil, Errorf(KindInvalid, "the search is %d bytes long; the limit is %d: search for fewer words", len(q), maxSearchLen)
	}
	if strings.Count(q, `"`)%2 == 1 {
		return nil, Errorf(KindInvalid, "the search %q has an unclosed quote: close the phrase with \" or drop the quote", q)
	}
	var terms []SearchTerm
	for i, chunk := range strings.Split(q, `"`) {
		if i%2 == 1 { // inside quotes: one phrase
			t, err := searchTerm(chunk, q)
			if err != nil {
				return nil, err
			}
			if len(t.Words) == 0 {
				if strings.TrimSpace(chunk) == "" {
					continue // "" searches nothing
				}
				return nil, Errorf(KindInvalid, "the phrase %q has no letters or digits to search for", chunk)
			}
			terms = append(terms, t)
			continue
		}
		for _, field := range strings.Fields(chunk) {
			t, err := searchTerm(field, q)
			if err != nil {
				return nil, err
			}
			if len(t.Words) > 0 {
				terms = append(terms, t)
			}
		}
	}
	if len(terms) == 0 {
		return nil, Errorf(KindInvalid, "the search %q has no letters or digits to search for", q)
	}
	if len(terms) > maxSearchTerms {
		return nil, Errorf(KindInvalid, "the search has %d terms; the limit is %d", len(terms), maxSearchTerms)
	}
	return terms, nil
}

// searchTerm reads one word (or one phrase's text): its words, and a
// trailing * as a prefix.
func searchTerm(s, q string) (SearchTerm, error) {
	t := SearchTerm{}
	body := strings.TrimSpace(s)
	if strings.HasSuffix(body, "*") {
		t.Prefix = true
		body = strings.TrimRight(body, "*")
	}
	if strings.Contains(body, "*") {
		return t, Errorf(KindInvalid, "the search %q has a * inside a word: a * goes at the end of a word, as in check*", q)
	}
	t.Words = SearchWords(body)
	if t.Prefix {
		if len(t.Words) == 0 {
			return t, Errorf(KindInvalid, "the search %q has a * with no word before it: write the word's start, as in check*", q)
		}
		if last := t.Words[len(t.Words)-1]; len([]rune(last)) < 2 || strings.IndexFunc(body, isWordRune) < 0 || !isWordRune(lastRune(body)) {
			return t, Errorf(KindInvalid, "the prefix %q is too short or does not end in a word: give at least 2 letters or digits before the *", s)
		}
	}
	return t, nil
}

// SearchWords cuts text into the index's words: runs of letters and
// digits, in lower case.
func SearchWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !isWordRune(r) })
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1]
}

// SearchPage is the page a query asks for: Limit 20 when unset, at most
// 100, and Offset.
func SearchPage(q SearchQuery) (limit, offset int) {
	limit = q.Limit
	if limit <= 0 {
		limit = 20
	}
	return min(limit, 100), max(q.Offset, 0)
}
