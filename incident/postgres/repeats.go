package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/internal/sqlstore"
)

// LiveIncidentHolding reads the live incident of the dedup key and counts
// which of refs its timeline holds, without a lock. Concurrent reads of
// this replica share statements (repeatReads): in a storm most
// notifications are repeats, and each read on its own cost a round trip
// and a statement's overhead on both sides for one index lookup.
func (s *DB) LiveIncidentHolding(ctx context.Context, source, dedupKey string, refs []incident.EventRef) (*incident.Incident, bool, error) {
	r := &repeatRead{source: source, dedupKey: dedupKey, refs: refs, done: make(chan struct{})}
	s.repeats.add(s, r)
	select {
	case <-r.done:
		return r.inc, r.holds, r.err
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// repeatRead is one waiting LiveIncidentHolding and, once done is closed,
// its answer.
type repeatRead struct {
	source, dedupKey string
	refs             []incident.EventRef

	inc   *incident.Incident
	holds bool
	err   error
	done  chan struct{}
}

// repeatReads batches the reads that arrive while others are running:
// up to repeatReaders statements run at once, and each takes every read
// waiting when it starts (at most repeatBatchMax). A read that finds a
// reader free starts at once, so a quiet replica reads as before, one
// statement per read; under a storm the reads share statements. No timer
// is involved: nothing waits for a batch to fill.
type repeatReads struct {
	mu      sync.Mutex
	waiting []*repeatRead
	readers int
	most    int // the largest batch read so far (tests)
}

const (
	repeatReaders  = 2
	repeatBatchMax = 64
	// repeatTimeout bounds one batch's statement: it serves several
	// requests, so it runs under none of their contexts.
	repeatTimeout = 30 * time.Second
)

func (b *repeatReads) add(s *DB, r *repeatRead) {
	b.mu.Lock()
	b.waiting = append(b.waiting, r)
	start := b.readers < repeatReaders
	if start {
		b.readers++
	}
	b.mu.Unlock()
	if start {
		go b.read(s)
	}
}

// read runs batches while reads are waiting.
func (b *repeatReads) read(s *DB) {
	for {
		b.mu.Lock()
		n := min(len(b.waiting), repeatBatchMax)
		if n == 0 {
			b.readers--
			b.mu.Unlock()
			return
		}
		b.most = max(b.most, n)
		batch := b.waiting[:n:n]
		b.waiting = b.waiting[n:]
		b.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), repeatTimeout)
		s.readRepeats(ctx, batch)
		cancel()
		for _, r := range batch {
			close(r.done)
		}
	}
}

// readRepeats answers a batch: one read alone with the shared core's
// statement, several with one statement over their keys and refs.
func (s *DB) readRepeats(ctx context.Context, batch []*repeatRead) {
	if len(batch) == 1 {
		r := batch[0]
		r.inc, r.holds, r.err = sqlstore.LiveIncidentHolding(ctx, s.q(), r.source, r.dedupKey, r.refs)
		return
	}
	var ns, rns []int32
	var sources, keys, kinds, refs []string
	for i, r := range batch {
		ns, sources, keys = append(ns, int32(i)), append(sources, r.source), append(keys, r.dedupKey)
		for _, ref := range r.refs {
			rns, kinds, refs = append(rns, int32(i)), append(kinds, string(ref.Kind)), append(refs, ref.Ref)
		}
	}
	found := make([]bool, len(batch))
	err := func() error {
		rows, err := s.q().QueryContext(ctx, repeatBatchRead, ns, sources, keys, rns, kinds, refs)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var held int
			var n int32
			inc, err := sqlstore.ScanIncidentPlus(rows, &held, &n)
			if err != nil {
				return err
			}
			if n < 0 || int(n) >= len(batch) {
				return fmt.Errorf("a batch of %d reads answered read %d", len(batch), n)
			}
			r := batch[n]
			r.inc, r.holds, found[n] = inc, held == len(r.refs), true
		}
		return rows.Err()
	}()
	for i, r := range batch {
		switch {
		case err != nil:
			r.inc, r.holds, r.err = nil, false, fmt.Errorf("read incident: %w", storeError("read repeated alerts", err))
		case !found[i]:
			r.err = incident.Errorf(incident.KindNotFound, "no such incident")
		}
	}
}

// repeatBatchRead is LiveIncidentHolding for several keys: each key's
// live incident (sqlstore.ActiveByDedup, through the same partial index)
// with how many of its refs the timeline holds, and the key's place n.
var repeatBatchRead = `SELECT i.*, w.n FROM unnest(?::int[], ?::text[], ?::text[]) AS w(n, source, dedup_key)
	CROSS JOIN LATERAL (SELECT ` + sqlstore.IncidentColumns + `,
		(SELECT count(*) FROM unnest(?::int[], ?::text[], ?::text[]) AS r(n, kind, ref)
			JOIN events e ON e.incident_id = incidents.id AND e.kind = r.kind AND e.ref = r.ref WHERE r.n = w.n) AS held
		FROM incidents WHERE source = w.source AND dedup_key = w.dedup_key AND dedup_key <> ''
			AND status IN ('open', 'acked', 'resolved')) i`
