package incident

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSearch(t *testing.T) {
	cases := []struct {
		q       string
		want    string // the terms, or the error's words
		invalid bool
	}{
		{"timeout", "[{[timeout] false}]", false},
		{"  Connection   REFUSED ", "[{[connection] false} {[refused] false}]", false},
		{`"connection refused" db`, "[{[connection refused] false} {[db] false}]", false},
		{"check*", "[{[check] true}]", false},
		{`"checkout ap*"`, "[{[checkout ap] true}]", false},
		{"INC-42", "[{[inc 42] false}]", false},
		{"service=checkout", "[{[service checkout] false}]", false},
		{`MATCH NEAR(a b) OR -x ^y`, "[{[match] false} {[near a] false} {[b] false} {[or] false} {[x] false} {[y] false}]", false},
		{`'; DROP TABLE incidents; --`, "[{[drop] false} {[table] false} {[incidents] false}]", false},
		{`"" café`, "[{[café] false}]", false},
		{"", "the search is empty", true},
		{`"unclosed`, "unclosed quote", true},
		{"*", "a * with no word before it", true},
		{"fo*o", "a * goes at the end of a word", true},
		{"a*", "at least 2 letters", true},
		{"!!! ???", "no letters or digits", true},
		{`"!!!"`, "no letters or digits", true},
		{strings.Repeat("x ", 17), "the limit is 16", true},
		{strings.Repeat("x", 501), "the limit is 500", true},
	}
	for _, c := range cases {
		terms, err := ParseSearch(c.q)
		if c.invalid {
			if ErrorKind(err) != KindInvalid || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseSearch(%q) = %v, %v; want KindInvalid saying %q", c.q, terms, err, c.want)
			}
			continue
		}
		if err != nil || fmt.Sprint(terms) != c.want {
			t.Errorf("ParseSearch(%q) = %v, %v; want %s", c.q, terms, err, c.want)
		}
	}
}

func TestRankSearch(t *testing.T) {
	terms, _ := ParseSearch("gateway")
	cands := []SearchCandidate{
		{IncidentID: 3, Field: FieldTranscript, Ref: "m9", Body: "is the gateway down? the gateway gateway"},
		{IncidentID: 3, Field: FieldTranscript, Ref: "m1", Body: "gateway"},
		{IncidentID: 2, Field: FieldTitle, Body: "INC-2 Gateway returns 502"},
		{IncidentID: 1, Field: FieldTimeline, Ref: "7", Body: "paged the gateway owner"},
		{IncidentID: 4, Field: FieldTimeline, Ref: "8", Body: "paged the gateway owner"},
	}
	got := RankSearch(terms, cands, 10, 0)
	var order []string
	for _, p := range got {
		order = append(order, fmt.Sprintf("%d/%s/%s", p.IncidentID, p.Field, p.Ref))
	}
	// The title first; incident 3 once, at its denser message; equal
	// scores newest first.
	if want := "[2/title/ 3/transcript/m1 4/timeline/8 1/timeline/7]"; fmt.Sprint(order) != want {
		t.Errorf("order %v, want %s", order, want)
	}
	if page := RankSearch(terms, cands, 2, 1); len(page) != 2 || page[0].IncidentID != 3 || page[1].IncidentID != 4 {
		t.Errorf("page 2 from 1: %+v", page)
	}
	if page := RankSearch(terms, cands, 2, 9); len(page) != 0 {
		t.Errorf("past the end: %+v", page)
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("word ", 30) + "the kraken  pool\nis exhausted " + strings.Repeat("tail ", 30)
	cases := []struct {
		q, body string
		want    []SnippetPart
	}{
		{"kraken", "the kraken pool", []SnippetPart{{Text: "the "}, {Text: "kraken", Match: true}, {Text: " pool"}}},
		{`"kraken pool"`, "the Kraken-Pool!", []SnippetPart{{Text: "the "}, {Text: "Kraken-Pool", Match: true}, {Text: "!"}}},
		{"po*", "pool and pond", []SnippetPart{{Text: "pool", Match: true}, {Text: " and "}, {Text: "pond", Match: true}}},
		{"kraken pool", long, []SnippetPart{{Text: "…word word word word word word word the "},
			{Text: "kraken", Match: true}, {Text: " "}, {Text: "pool", Match: true},
			{Text: " is exhausted tail tail tail tail tail tail tail tail tail tail tail tail…"}}},
		{"cafe", "un café", []SnippetPart{{Text: "un "}, {Text: "café", Match: true}}},
		{"café", "CAFE-Crème", []SnippetPart{{Text: "CAFE", Match: true}, {Text: "-Crème"}}},
		{`"sao pau*"`, "to São Paulo", []SnippetPart{{Text: "to "}, {Text: "São Paulo", Match: true}}},
		{"straße", "die Strasse", []SnippetPart{{Text: "die Strasse"}}}, // ß is not a letter with a diacritic: no mark, still shown
	}
	for _, c := range cases {
		terms, err := ParseSearch(c.q)
		if err != nil {
			t.Fatal(err)
		}
		got := RankSearch(terms, []SearchCandidate{{IncidentID: 1, Field: FieldTranscript, Body: c.body}}, 1, 0)
		if len(got) != 1 {
			t.Fatalf("%q: %d places", c.q, len(got))
		}
		if diff := cmp.Diff(c.want, got[0].Snippet); diff != "" {
			t.Errorf("%q in %q: snippet (-want +got):\n%s", c.q, c.body, diff)
		}
	}
}

func TestFoldRune(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Café", "cafe"}, {"ÀÉÎÕÜ", "aeiou"}, {"ñÇ", "nc"}, {"Łódź", "łodz"}, {"Ǹẞ", "nß"},
		{"Việt", "viet"}, {"øæß", "øæß"}, {"Ωmega", "ωmega"}, {"x9_", "x9_"},
	}
	for _, c := range cases {
		var b strings.Builder
		for _, r := range c.in {
			b.WriteRune(foldRune(r))
		}
		if b.String() != c.want {
			t.Errorf("fold %q = %q, want %q", c.in, b.String(), c.want)
		}
	}
}
