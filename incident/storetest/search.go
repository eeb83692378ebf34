package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// SearchStore is a store with the archive and the full-text search.
type SearchStore interface {
	ArchiveStore
	incident.Searcher
}

// RunSearch checks incident.Searcher's rules on fresh stores from open:
// every place is found, with its field, ref and a snippet that marks the
// match; the title outranks a message; each incident is one hit; phrases
// and prefixes; accents folded (cafe finds café and the reverse); each filter; the index follows every write in its
// transaction (a title changed, a rolled-back update, a transcript
// written again or cleared); paging; a query without terms is invalid.
func RunSearch(t *testing.T, open func(t *testing.T, clock incident.Clock) SearchStore) {
	rules := []struct {
		name string
		fn   func(t *testing.T, s SearchStore)
	}{
		{"FindsEachPlace", testSearchPlaces},
		{"RankingAndOneHitPerIncident", testSearchRanking},
		{"PhrasesAndPrefixes", testSearchPhrases},
		{"AccentsFold", testSearchAccents},
		{"Filters", testSearchFilters},
		{"FollowsWritesInTheirTransaction", testSearchCurrent},
		{"Paging", testSearchPaging},
		{"NoTermsIsInvalid", testSearchInvalid},
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) { r.fn(t, open(t, &Clock{t: T0})) })
	}
}

// searchFixture stores an incident with a title, summary, labels, events
// and a transcript of messages (ID "m<n>" for the nth text).
func searchFixture(t *testing.T, s SearchStore, inc *incident.Incident, events []string, messages []string) *incident.Incident {
	t.Helper()
	ctx := context.Background()
	if inc.Severity == 0 {
		inc.Severity = incident.SeverityHigh
	}
	if inc.Status == "" {
		inc.Status = incident.StatusArchived
	}
	if inc.Source == "" {
		inc.Source = "alertmanager"
	}
	if inc.CreatedAt.IsZero() {
		inc.CreatedAt = T0
	}
	inc.UpdatedAt = inc.CreatedAt
	update(t, s, func(tx incident.Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		for i, text := range events {
			ev := &incident.Event{IncidentID: inc.ID, Kind: incident.EventNote, Actor: "alice", Text: text,
				At: inc.CreatedAt.Add(time.Duration(i) * time.Minute)}
			if _, err := tx.AddEvent(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if messages != nil {
		writeTranscript(t, s, inc, messages)
	}
	return inc
}

// writeTranscript stores a JSON transcript of the messages, as the archive
// writes it.
func writeTranscript(t *testing.T, s SearchStore, inc *incident.Incident, messages []string) {
	t.Helper()
	ctx := context.Background()
	var msgs []archive.Message
	for i, text := range messages {
		msgs = append(msgs, archive.Message{ID: fmt.Sprintf("m%d", i), Author: "bob", Text: text, At: inc.CreatedAt.Add(time.Duration(i) * time.Second)})
	}
	body, err := json.Marshal(map[string]any{"incident": inc, "timeline": []incident.Event{}, "messages": msgs,
		"completeness": archive.Count{Archived: len(msgs)}})
	if err != nil {
		t.Fatal(err)
	}
	err = s.UpdateArchive(ctx, func(tx archive.Tx) error {
		d := &archive.Document{Format: "json", Name: inc.Key + "-transcript.json", ContentType: "application/json",
			Size: int64(len(body)), SHA256: archive.Digest(body)}
		return tx.WriteDocument(ctx, inc.ID, d, bytes.NewReader(body), T0)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func search(t *testing.T, s SearchStore, q incident.SearchQuery, text string) []incident.SearchHit {
	t.Helper()
	terms, err := incident.ParseSearch(text)
	if err != nil {
		t.Fatalf("ParseSearch(%q): %v", text, err)
	}
	q.Terms = terms
	hits, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	return hits
}

// keys lists the hits' incident keys in order.
func keys(hits []incident.SearchHit) string {
	var ks []string
	for _, h := range hits {
		ks = append(ks, h.Incident.Key)
	}
	return strings.Join(ks, " ")
}

// hasMatch reports whether a part marked as a match holds word.
func hasMatch(parts []incident.SnippetPart, word string) bool {
	for _, p := range parts {
		if p.Match && strings.Contains(p.Text, word) {
			return true
		}
	}
	return false
}

func marked(parts []incident.SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func testSearchPlaces(t *testing.T, s SearchStore) {
	inc := searchFixture(t, s, &incident.Incident{Title: "Checkout latency high", Summary: "Payments slow in eu-west",
		Labels: map[string]string{"service": "checkout", "team": "orchid"}},
		[]string{"rolled back to v41", "paged the database owner"},
		[]string{"looking at the dashboards", "the kraken pool is exhausted, restarting it", "better now"})
	cases := []struct {
		q     string
		field incident.SearchField
		ref   string
		match string
	}{
		{"latency", incident.FieldTitle, "", "latency"},
		{"payments", incident.FieldSummary, "", "Payments"},
		{"orchid", incident.FieldLabels, "", "orchid"},
		{"team=orchid", incident.FieldLabels, "", "team"},
		{"database", incident.FieldTimeline, "", "database"},
		{"kraken", incident.FieldTranscript, "m1", "kraken"},
		{"KRAKEN", incident.FieldTranscript, "m1", "kraken"},
		{inc.Key, incident.FieldTitle, "", "INC"},
	}
	events, err := s.Events(context.Background(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		hits := search(t, s, incident.SearchQuery{}, c.q)
		if len(hits) != 1 {
			t.Errorf("%q: %d hits, want 1", c.q, len(hits))
			continue
		}
		h := hits[0]
		want := c.ref
		if c.field == incident.FieldTimeline {
			want = fmt.Sprint(events[1].ID)
		}
		if h.Incident == nil || h.Incident.ID != inc.ID || h.Incident.Title != inc.Title || h.Field != c.field || h.Ref != want {
			t.Errorf("%q: hit %+v, want %s at %s %q", c.q, h, inc.Key, c.field, want)
		}
		if m := marked(h.Snippet); !hasMatch(h.Snippet, c.match) || h.Score <= 0 {
			t.Errorf("%q: snippet %q (score %v), want %q marked and a positive score", c.q, m, h.Score, c.match)
		}
	}
	if hits := search(t, s, incident.SearchQuery{}, "zyzzyva"); len(hits) != 0 {
		t.Errorf("an absent word found %s", keys(hits))
	}
}

func testSearchRanking(t *testing.T, s SearchStore) {
	inMsg := searchFixture(t, s, &incident.Incident{Title: "Disk full on db-3"}, nil,
		[]string{"is this the gateway again?", "no", "gateway timeouts are unrelated", "gateway gateway"})
	inTitle := searchFixture(t, s, &incident.Incident{Title: "Gateway returns 502"}, nil, []string{"nothing to add"})
	searchFixture(t, s, &incident.Incident{Title: "Unrelated"}, []string{"all quiet"}, nil)
	hits := search(t, s, incident.SearchQuery{}, "gateway")
	if keys(hits) != inTitle.Key+" "+inMsg.Key {
		t.Fatalf("gateway: hits %s, want the title's %s first, then %s once", keys(hits), inTitle.Key, inMsg.Key)
	}
	if hits[0].Field != incident.FieldTitle || hits[1].Field != incident.FieldTranscript || hits[0].Score <= hits[1].Score {
		t.Errorf("gateway: places %s (%v), %s (%v)", hits[0].Field, hits[0].Score, hits[1].Field, hits[1].Score)
	}
}

func testSearchPhrases(t *testing.T, s SearchStore) {
	a := searchFixture(t, s, &incident.Incident{Title: "API errors"}, []string{"connection refused by upstream"}, nil)
	b := searchFixture(t, s, &incident.Incident{Title: "Queue stuck"}, []string{"refused the connection twice"}, []string{"checkout-api is slow"})
	cases := []struct{ q, want string }{
		{`"connection refused"`, a.Key},
		{`connection refused`, a.Key + " " + b.Key}, // in any order: adjacency may rank
		{`"refused connection"`, ""},
		{`check*`, b.Key},
		{`"checkout ap*"`, b.Key},
		{`checkout-api`, b.Key},
		{`upstr*`, a.Key},
		{`"queue stuck" refused`, ""}, // every term in one place: title and event differ
	}
	for _, c := range cases {
		hits := search(t, s, incident.SearchQuery{}, c.q)
		sort.Slice(hits, func(i, j int) bool { return hits[i].Incident.ID < hits[j].Incident.ID })
		if got := keys(hits); got != c.want {
			t.Errorf("%s: hits %q, want %q", c.q, got, c.want)
		}
	}
}

// testSearchAccents: a word finds itself with or without its accents, in
// words, phrases and prefixes, on both drivers (FTS5's remove_diacritics,
// PostgreSQL's unaccent), and the snippet marks the accented word.
func testSearchAccents(t *testing.T, s SearchStore) {
	a := searchFixture(t, s, &incident.Incident{Title: "Le café est fermé"}, nil, nil)
	b := searchFixture(t, s, &incident.Incident{Title: "Queue stuck"}, []string{"the cafe api returns 502"}, nil)
	c := searchFixture(t, s, &incident.Incident{Title: "Zürich datacenter"}, nil, []string{"São Paulo façade is down"})
	cases := []struct{ q, want string }{
		{`cafe`, a.Key + " " + b.Key},
		{`café`, a.Key + " " + b.Key},
		{`CAFÉ`, a.Key + " " + b.Key},
		{`"cafe est ferme"`, a.Key},
		{`"café api"`, b.Key},
		{`fer*`, a.Key},
		{`zurich`, c.Key},
		{`"sao paulo" facade`, c.Key},
		{`fermee`, ""},
	}
	for _, cs := range cases {
		hits := search(t, s, incident.SearchQuery{}, cs.q)
		sort.Slice(hits, func(i, j int) bool { return hits[i].Incident.ID < hits[j].Incident.ID })
		if got := keys(hits); got != cs.want {
			t.Errorf("%s: hits %q, want %q", cs.q, got, cs.want)
		}
	}
	hits := search(t, s, incident.SearchQuery{}, "cafe")
	for _, h := range hits {
		if h.Incident.ID == a.ID && !hasMatch(h.Snippet, "café") {
			t.Errorf("cafe in %s: snippet %s does not mark café", a.Key, marked(h.Snippet))
		}
	}
	if hits := search(t, s, incident.SearchQuery{}, "paulo"); len(hits) != 1 || !hasMatch(hits[0].Snippet, "Paulo") {
		t.Errorf("paulo: hits %+v", hits)
	}
}

func testSearchFilters(t *testing.T, s SearchStore) {
	day := 24 * time.Hour
	a := searchFixture(t, s, &incident.Incident{Title: "outage one", Severity: incident.SeverityCritical, Status: incident.StatusOpen,
		Source: "grafana", Commander: "carol", Labels: map[string]string{"service": "checkout"}, CreatedAt: T0}, nil, nil)
	b := searchFixture(t, s, &incident.Incident{Title: "outage two", Severity: incident.SeverityInfo, Status: incident.StatusArchived,
		Source: "alertmanager", Commander: "dave", Labels: map[string]string{"service": "search", "env": "prod"}, CreatedAt: T0.Add(day)}, nil, nil)
	c := searchFixture(t, s, &incident.Incident{Title: "outage three", Severity: incident.SeverityCritical, Status: incident.StatusArchived,
		Source: "alertmanager", Labels: map[string]string{"service": "checkout", "env": "prod"}, CreatedAt: T0.Add(2 * day)}, nil, nil)
	cases := []struct {
		name string
		q    incident.SearchQuery
		want []*incident.Incident
	}{
		{"none", incident.SearchQuery{}, []*incident.Incident{c, b, a}},
		{"status", incident.SearchQuery{Status: []incident.Status{incident.StatusArchived}}, []*incident.Incident{c, b}},
		{"statuses", incident.SearchQuery{Status: []incident.Status{incident.StatusOpen, incident.StatusAcked}}, []*incident.Incident{a}},
		{"severity", incident.SearchQuery{Severity: []incident.Severity{incident.SeverityCritical}}, []*incident.Incident{c, a}},
		{"source", incident.SearchQuery{Source: "alertmanager"}, []*incident.Incident{c, b}},
		{"label", incident.SearchQuery{Labels: map[string]string{"service": "checkout"}}, []*incident.Incident{c, a}},
		{"labels", incident.SearchQuery{Labels: map[string]string{"service": "checkout", "env": "prod"}}, []*incident.Incident{c}},
		{"label value", incident.SearchQuery{Labels: map[string]string{"service": "check"}}, nil},
		{"commander", incident.SearchQuery{Commander: "dave"}, []*incident.Incident{b}},
		{"from", incident.SearchQuery{From: T0.Add(day)}, []*incident.Incident{c, b}},
		{"to", incident.SearchQuery{To: T0.Add(day)}, []*incident.Incident{a}},
		{"range", incident.SearchQuery{From: T0.Add(time.Hour), To: T0.Add(2 * day)}, []*incident.Incident{b}},
		{"all", incident.SearchQuery{Severity: []incident.Severity{incident.SeverityCritical}, Status: []incident.Status{incident.StatusArchived},
			Labels: map[string]string{"env": "prod"}, From: T0}, []*incident.Incident{c}},
	}
	for _, tc := range cases {
		var want []string
		for _, inc := range tc.want {
			want = append(want, inc.Key)
		}
		// Equal scores: the newer incident first.
		if got := keys(search(t, s, tc.q, "outage")); got != strings.Join(want, " ") {
			t.Errorf("%s: hits %q, want %q", tc.name, got, strings.Join(want, " "))
		}
	}
}

func testSearchCurrent(t *testing.T, s SearchStore) {
	ctx := context.Background()
	inc := searchFixture(t, s, &incident.Incident{Title: "walrus alarm", Labels: map[string]string{"zone": "a"}}, nil, []string{"first narwhal"})
	update(t, s, func(tx incident.Tx) error {
		cur, err := tx.Incident(ctx, inc.ID)
		if err != nil {
			return err
		}
		cur.Title, cur.Summary, cur.Labels = "penguin alarm", "an otter summary", map[string]string{"zone": "b"}
		return tx.UpdateIncident(ctx, cur)
	})
	for q, want := range map[string]int{"walrus": 0, "penguin": 1, "otter": 1, "zone=a": 0, "zone=b": 1, "narwhal": 1} {
		if hits := search(t, s, incident.SearchQuery{}, q); len(hits) != want {
			t.Errorf("after the update, %q found %d, want %d", q, len(hits), want)
		}
	}
	err := s.Update(ctx, func(tx incident.Tx) error {
		cur, err := tx.Incident(ctx, inc.ID)
		if err != nil {
			return err
		}
		cur.Title = "seal alarm"
		if err := tx.UpdateIncident(ctx, cur); err != nil {
			return err
		}
		if _, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventNote, Text: "a lobster note", At: T0}); err != nil {
			return err
		}
		return fmt.Errorf("boom")
	})
	if err == nil {
		t.Fatal("the update did not fail")
	}
	for q, want := range map[string]int{"seal": 0, "lobster": 0, "penguin": 1} {
		if hits := search(t, s, incident.SearchQuery{}, q); len(hits) != want {
			t.Errorf("after a rolled-back update, %q found %d, want %d", q, len(hits), want)
		}
	}
	writeTranscript(t, s, inc, []string{"second beluga"})
	for q, want := range map[string]int{"narwhal": 0, "beluga": 1} {
		if hits := search(t, s, incident.SearchQuery{}, q); len(hits) != want {
			t.Errorf("after the transcript was written again, %q found %d, want %d", q, len(hits), want)
		}
	}
	if err := s.UpdateArchive(ctx, func(tx archive.Tx) error { return tx.ClearTranscript(ctx, inc.ID) }); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, s, incident.SearchQuery{}, "beluga"); len(hits) != 0 {
		t.Errorf("after ClearTranscript, beluga found %d", len(hits))
	}
}

func testSearchPaging(t *testing.T, s SearchStore) {
	var all []string
	for i := range 5 {
		inc := searchFixture(t, s, &incident.Incident{Title: fmt.Sprintf("heron %d", i)}, []string{"heron seen"}, []string{"heron again"})
		all = append([]string{inc.Key}, all...)
	}
	if got := keys(search(t, s, incident.SearchQuery{}, "heron")); got != strings.Join(all, " ") {
		t.Errorf("heron: %q, want each incident once, the newest first on equal scores: %q", got, strings.Join(all, " "))
	}
	if got := keys(search(t, s, incident.SearchQuery{Limit: 2, Offset: 1}, "heron")); got != strings.Join(all[1:3], " ") {
		t.Errorf("heron limit 2 offset 1: %q, want %q", got, strings.Join(all[1:3], " "))
	}
	if got := search(t, s, incident.SearchQuery{Offset: 10}, "heron"); len(got) != 0 {
		t.Errorf("heron past the end: %d hits", len(got))
	}
}

func testSearchInvalid(t *testing.T, s SearchStore) {
	_, err := s.Search(context.Background(), incident.SearchQuery{})
	if incident.ErrorKind(err) != incident.KindInvalid {
		t.Errorf("Search without terms = %v, want KindInvalid", err)
	}
}
