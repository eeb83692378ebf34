package incident

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// BenchmarkRankSearch ranks a window of SearchWindow chat-like places for
// a common word (in every place, as "the" is in the archive's messages),
// the work RankSearch does for every search of such a word:
//
//	go test ./incident/ -run '^$' -bench BenchmarkRankSearch
func BenchmarkRankSearch(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	vocab := strings.Fields("the gateway returns 502 since the deploy of checkout; pool exhausted, rolling back now. " +
		"who owns the database? paging the on-call, latency is up again on api and the queue is growing")
	cands := make([]SearchCandidate, SearchWindow)
	for i := range cands {
		words := []string{"the"}
		for range 5 + r.Intn(30) {
			words = append(words, vocab[r.Intn(len(vocab))])
		}
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		cands[i] = SearchCandidate{IncidentID: int64(1 + i/25), Field: FieldTranscript, Ref: fmt.Sprint(i), Body: strings.Join(words, " ")}
	}
	terms, err := ParseSearch("the")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if got := RankSearch(terms, cands, 20, 0); len(got) != 20 {
			b.Fatalf("%d places", len(got))
		}
	}
}
