package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
)

// TestRepeatReadsShareStatements: concurrent LiveIncidentHolding reads of
// one replica are answered in shared statements, and each gets the answer
// it would get alone: its key's live incident (not a closed one, not
// another key's), whether the timeline holds every one of its refs, and
// KindNotFound for a key with no live incident.
func TestRepeatReadsShareStatements(t *testing.T) {
	ctx := context.Background()
	db := openDSN(t, pgtest.Database(t), incident.SystemClock{})
	const keys = 30
	ids := map[string]int64{}
	for i := range keys {
		key := fmt.Sprintf("g%02d", i)
		status := []incident.Status{incident.StatusOpen, incident.StatusAcked, incident.StatusResolved, incident.StatusClosed}[i%4]
		err := db.Update(ctx, func(tx incident.Tx) error {
			now := time.Now()
			inc := &incident.Incident{Title: "repeat " + key, Severity: incident.SeverityHigh, Status: status, Source: "alertmanager",
				DedupKey: key, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
			ids[key] = inc.ID
			for a := range 2 { // refs fp<key>/0 and fp<key>/1
				_, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventAlertFiring, Actor: "alertmanager",
					Text: "disk full", Ref: fmt.Sprintf("fp%s/%d", key, a), At: now, RecordedAt: now})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	type ask struct {
		key   string
		refs  []incident.EventRef
		live  bool
		holds bool
	}
	ref := func(key string, a int) incident.EventRef {
		return incident.EventRef{Kind: incident.EventAlertFiring, Ref: fmt.Sprintf("fp%s/%d", key, a)}
	}
	var asks []ask
	for i := range keys + 5 { // five keys never opened
		key := fmt.Sprintf("g%02d", i)
		live := i < keys && i%4 != 3
		asks = append(asks,
			ask{key, []incident.EventRef{ref(key, 0)}, live, live},
			ask{key, []incident.EventRef{ref(key, 0), ref(key, 1)}, live, live},
			ask{key, []incident.EventRef{ref(key, 1), ref(key, 2)}, live, false},              // fp/2 never recorded
			ask{key, []incident.EventRef{ref(fmt.Sprintf("g%02d", (i+1)%keys), 0)}, live, false}, // another key's ref
			ask{key, nil, live, live},
		)
	}
	for round := range 3 {
		var wg sync.WaitGroup
		fails := make(chan string, len(asks))
		for _, a := range asks {
			wg.Go(func() {
				inc, holds, err := db.LiveIncidentHolding(ctx, "alertmanager", a.key, a.refs)
				switch {
				case !a.live && incident.ErrorKind(err) != incident.KindNotFound:
					fails <- fmt.Sprintf("%s %v: %v, %v; want KindNotFound", a.key, a.refs, inc, err)
				case a.live && err != nil:
					fails <- fmt.Sprintf("%s %v: %v", a.key, a.refs, err)
				case a.live && (inc.ID != ids[a.key] || inc.DedupKey != a.key || holds != a.holds):
					fails <- fmt.Sprintf("%s %v: incident %d (%s), holds %v; want %d, holds %v", a.key, a.refs, inc.ID, inc.DedupKey, holds, ids[a.key], a.holds)
				}
			})
		}
		wg.Wait()
		close(fails)
		for f := range fails {
			t.Errorf("round %d: %s", round, f)
		}
	}
	if most := postgres.RepeatBatchMost(db); most < 2 {
		t.Fatalf("the largest batch read %d reads; want reads sharing statements", most)
	}
}
