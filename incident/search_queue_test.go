package incident_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// searchQueueSpy is a search index written after the commit: each call
// of IndexQueued takes one of its queued batches.
type searchQueueSpy struct {
	queued atomic.Int32 // batches left
	calls  atomic.Int32
}

func (q *searchQueueSpy) IndexQueued(ctx context.Context) (int, error) {
	q.calls.Add(1)
	if q.queued.Load() == 0 {
		return 0, nil
	}
	q.queued.Add(-1)
	return 1000, nil
}

// The runner writes a SearchQueue's queued places: none while an alert
// burst is in flight, every batch once it is over, one after another,
// and what is queued later at its next poll.
func TestRunnerIndexesQueuedSearchAfterTheBurst(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	clock := newTimerClock()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	q := &searchQueueSpy{}
	q.queued.Store(3)
	inflow := incident.NewInflow(clock)
	const poll = time.Second
	r := incident.NewRunner(db, incident.RunnerConfig{Workers: 1, BurstWorkers: 1, BurstHold: time.Minute, Inflow: inflow, Poll: poll, Retention: -1},
		clock, slog.New(slog.DiscardHandler))
	r.Search = q
	end := inflow.Begin()
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	// Held by the burst: its hold timer is set, and nothing is indexed.
	waitFor(t, "the indexer held by the burst", func() bool { return clock.Waiting() == 1 })
	if n := q.calls.Load(); n != 0 {
		t.Fatalf("IndexQueued called %d times during the burst, want 0", n)
	}
	end()
	waitFor(t, "every batch written", func() bool { return q.queued.Load() == 0 })
	waitFor(t, "the empty queue seen", func() bool { return q.calls.Load() == 4 })

	// More is queued: the next poll writes it (the hold's timer is still
	// set, beside the poll's).
	q.queued.Store(1)
	waitFor(t, "the indexer polling", func() bool { return clock.Waiting() == 2 })
	if n := q.calls.Load(); n != 4 {
		t.Fatalf("IndexQueued called %d times before the poll, want 4", n)
	}
	clock.Advance(poll)
	waitFor(t, "the later batch written at the poll", func() bool { return q.queued.Load() == 0 && q.calls.Load() >= 6 })
}

func (q *searchQueueSpy) SearchQueued(context.Context) (int, error) { return int(q.queued.Load()), nil }
