package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
)

// TestReplicasOpenOneIncidentPerGroup: repeats of one alert group reach
// three replicas at the same moment; each looks for the live incident and
// opens one when there is none, retrying a KindTransient error as a hook's
// sender does. Exactly one incident is opened, and every repeat lands in it.
func TestReplicasOpenOneIncidentPerGroup(t *testing.T) {
	dsn := pgtest.Database(t)
	clock := &storetest.Clock{}
	replicas := []*postgres.DB{openDSN(t, dsn, clock), openDSN(t, dsn, clock), openDSN(t, dsn, clock)}
	ctx := context.Background()
	const repeats = 30
	ids := make([]int64, repeats)
	errs := make([]error, repeats)
	var retried atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range repeats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for try := 0; try < 10; try++ {
				errs[i] = replicas[i%3].Update(ctx, func(tx incident.Tx) error {
					inc, err := tx.ActiveIncidentByDedup(ctx, "alertmanager", "group-1")
					if incident.ErrorKind(err) == incident.KindNotFound {
						inc = &incident.Incident{Title: "storm", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
							Source: "alertmanager", DedupKey: "group-1", CreatedAt: storetest.T0, UpdatedAt: storetest.T0}
						err = tx.CreateIncident(ctx, inc)
					}
					if err != nil {
						return err
					}
					ids[i] = inc.ID
					_, err = tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventNote, Text: "repeat", At: storetest.T0, RecordedAt: storetest.T0})
					return err
				})
				if incident.ErrorKind(errs[i]) != incident.KindTransient {
					break
				}
				retried.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("repeat %d: %v", i, err)
		}
		if ids[i] != ids[0] {
			t.Fatalf("repeat %d landed in incident %d, repeat 0 in %d", i, ids[i], ids[0])
		}
	}
	t.Logf("%d repeats retried after a transient error (another replica opened the incident first)", retried.Load())
	incs, err := replicas[0].Incidents(ctx, incident.Filter{})
	if err != nil || len(incs) != 1 {
		t.Fatalf("%d incidents (%v), want 1", len(incs), err)
	}
	evs, err := replicas[1].Events(ctx, incs[0].ID)
	if err != nil || len(evs) != repeats {
		t.Fatalf("%d events (%v), want one per repeat (%d): a retried repeat must not leave a half", len(evs), err, repeats)
	}
}
