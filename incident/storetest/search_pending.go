package storetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
)

// IndexingStore is a search store that indexes, after its migrations, the
// incidents stored before the search index existed.
type IndexingStore interface {
	SearchStore
	IndexPending(ctx context.Context, log *slog.Logger) error
	// ReindexAll marks every incident for IndexPending to index anew.
	ReindexAll(ctx context.Context) error
}

// RunIndexPending checks that a database from before the search index is
// indexed whole by its migration: incidents (title, labels, timeline,
// transcript) stored through s, then downgrade turns the database back to
// before the search migration (its tables gone, its version unlisted) and
// closes s; reopen opens it again with the current code, which migrates;
// IndexPending must then index every incident, in batches, logging its
// progress, and find nothing left to do a second time; after ReindexAll
// it indexes everything anew and still finds each incident.
func RunIndexPending(t *testing.T, s SearchStore, downgrade func(t *testing.T), reopen func(t *testing.T) IndexingStore) {
	ctx := context.Background()
	const n = 450 // more than two batches
	for i := range n {
		searchFixture(t, s, &incident.Incident{Title: fmt.Sprintf("old incident %d", i)}, []string{fmt.Sprintf("event of %d", i)}, []string{fmt.Sprintf("message of %d", i)})
	}
	searchFixture(t, s, &incident.Incident{Title: "the ocelot incident"}, []string{"a quokka note"}, []string{"the axolotl said"})
	downgrade(t)
	db := reopen(t)
	var log bytes.Buffer
	if err := db.IndexPending(ctx, slog.New(slog.NewTextHandler(&log, nil))); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ocelot", "quokka", "axolotl"} {
		if hits := search(t, db, incident.SearchQuery{}, q); len(hits) != 1 {
			t.Errorf("after the migration, %q found %d, want 1", q, len(hits))
		}
	}
	if hits := search(t, db, incident.SearchQuery{}, "old"); len(hits) != 20 {
		t.Errorf("after the migration, old found %d on the first page, want 20", len(hits))
	}
	if got := strings.Count(log.String(), "search index: progress"); got < 3 || !strings.Contains(log.String(), fmt.Sprintf("indexed=%d", n+1)) {
		t.Errorf("the log shows %d progress lines, want one per batch up to %d:\n%s", got, n+1, log.String())
	}
	log.Reset()
	if err := db.IndexPending(ctx, slog.New(slog.NewTextHandler(&log, nil))); err != nil || log.Len() != 0 {
		t.Errorf("a second IndexPending: %v, logged %q; want nothing to do", err, log.String())
	}
	if err := db.ReindexAll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.IndexPending(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ocelot", "quokka", "axolotl"} {
		hits := search(t, db, incident.SearchQuery{}, q)
		if len(hits) != 1 {
			t.Errorf("after ReindexAll, %q found %d, want 1", q, len(hits))
		}
	}
	if hits := search(t, db, incident.SearchQuery{Limit: 100}, "incident"); len(hits) != 100 {
		t.Errorf("after ReindexAll, a page of 100 holds %d incidents", len(hits))
	}
}
