package incident

import "context"

// SearchQueue is a store that writes its search index after the commit
// of each change rather than in it (PostgreSQL: the index's common words
// are what concurrent writers of an alert storm contend for). Its Search
// writes what is queued before it reads, so a search finds every change
// committed before it; the job runner writes the rest in the background
// (Runner.Search), yielding to an alert burst as its workers do.
type SearchQueue interface {
	// IndexQueued writes a batch of the queued places and returns how
	// many it took: 0 when none is queued, or when another replica is
	// writing them.
	IndexQueued(ctx context.Context) (int, error)
	// SearchQueued counts the queued changes not yet written.
	SearchQueued(ctx context.Context) (int, error)
}

// indexSearch writes the search places q queues until ctx ends: a batch
// after another while there are some, polling when there are none, held
// back during an alert burst like the workers that yield.
func (r *Runner) indexSearch(ctx context.Context, q SearchQueue) {
	for ctx.Err() == nil {
		r.yield(ctx)
		n, err := q.IndexQueued(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Warn("search index: write the queued places; the next search or poll retries", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.timers.After(r.cfg.Poll):
		}
	}
}
