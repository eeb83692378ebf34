package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/warroom/warroom/incident"
)

// Archiver runs the archive jobs.
type Archiver struct {
	store     Store
	chat      Chat
	tickets   Tickets
	lifecycle Lifecycle
	clock     incident.Clock
	log       *slog.Logger
	opts      Options
}

// New builds an Archiver.
func New(store Store, chat Chat, tickets Tickets, lifecycle Lifecycle, clock incident.Clock, log *slog.Logger, opts Options) *Archiver {
	return &Archiver{store: store, chat: chat, tickets: tickets, lifecycle: lifecycle, clock: clock, log: log, opts: opts}
}

// JobRegistry is where the Archiver registers its handlers.
type JobRegistry interface {
	Handle(kind incident.JobKind, h incident.JobHandler)
}

// Register gives the runner the three archive jobs and the postmortem's two.
func (a *Archiver) Register(r JobRegistry) {
	r.Handle(incident.JobBuildTranscript, a.build)
	r.Handle(incident.JobStoreTranscript, a.storeAndVerify)
	r.Handle(incident.JobDeleteChannel, a.deleteChannel)
	r.Handle(incident.JobDraftPostmortem, a.draftPostmortem)
	r.Handle(incident.JobStorePostmortem, a.storePostmortem)
}

// round is which build of the transcript a job belongs to: the first, or a
// rebuild after the channel changed under a finished transcript. Job keys
// carry it so that a rebuild's jobs are new jobs.
type round struct {
	N int `json:"round,omitempty"`
}

func roundOf(j incident.Job) round {
	var r round
	if len(j.Payload) > 0 {
		json.Unmarshal(j.Payload, &r)
	}
	if r.N < 1 {
		r.N = 1
	}
	return r
}

// key names a job of this round: the first round keeps the historic keys.
func (r round) key(base string) string {
	if r.N <= 1 {
		return base
	}
	return fmt.Sprintf("%s/%d", base, r.N)
}

func (r round) job(kind incident.JobKind, inc *incident.Incident, base string) (incident.Job, error) {
	var payload any
	if r.N > 1 {
		payload = r
	}
	return incident.NewJob(kind, inc.ID, r.key(base), payload)
}

// build reads the whole channel once and the timeline, renders the
// transcript as it reads, checks it against the chat server's own count and
// saves it in warroom's store together with the job that stores it in the
// ticket system. A transcript that falls short of the count is not saved:
// the job fails with the numbers, on the timeline too, and is retried.
// Running it again after a save finds the documents and only queues the
// next step.
func (a *Archiver) build(ctx context.Context, j incident.Job) error {
	rd := roundOf(j)
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	existing, err := a.store.Documents(ctx, inc.ID)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		// Built before a crash: the first build is the record; only make
		// sure its next step is queued.
		return a.store.UpdateArchive(ctx, func(tx Tx) error { return enqueue(ctx, tx, rd, incident.JobStoreTranscript, inc, "/archive/store") })
	}
	events, err := a.store.Events(ctx, inc.ID)
	if err != nil {
		return err
	}
	r, err := newRenderer(inc.Key, a.opts)
	if err != nil {
		return err
	}
	defer r.close()
	count := Count{Basis: "no channel"}
	if !inc.Channel.Empty() {
		tally, err := a.chat.History(ctx, inc.Channel, r.add)
		if err != nil {
			return fmt.Errorf("build transcript of %s: %w", inc.Key, err)
		}
		if count, err = a.chat.Count(ctx, inc.Channel, tally); err != nil {
			return fmt.Errorf("check the transcript of %s against the chat server's count: %w", inc.Key, err)
		}
		count.Walk = tally
	}
	count.Archived, count.CheckedAt = r.messages, a.clock.Now()
	accept(&count, events)
	if !count.Complete() {
		return a.incomplete(ctx, inc, count, "transcript of %s is incomplete: %s; nothing was saved, the channel stays and the channel is read again")
	}
	parts, pins, err := r.finish(inc, events, count)
	if err != nil {
		return err
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		for _, p := range pins {
			p.IncidentID, p.RecordedAt = inc.ID, now
			if err := a.record(ctx, tx, p); err != nil {
				return err
			}
		}
		if err := tx.ClearTranscript(ctx, inc.ID); err != nil {
			return err
		}
		var sizes []int64
		for _, p := range parts {
			d := p.doc
			rc, err := p.open()
			if err != nil {
				return err
			}
			err = tx.WriteDocument(ctx, inc.ID, &d, &hashingReader{r: rc, h: NewHasher(), d: &d}, now)
			rc.Close()
			if err != nil {
				return fmt.Errorf("save %s: %w", d.Name, err)
			}
			sizes = append(sizes, d.Size)
		}
		if err := tx.RecordCount(ctx, inc.ID, count, now); err != nil {
			return err
		}
		text := fmt.Sprintf("%d messages, complete against the chat server's count (%d, %s); %d bytes of Markdown, %d bytes of JSON, %d files copied",
			count.Archived, count.Server, count.Basis, sizes[0], sizes[1], len(sizes)-2)
		if err := a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventTranscriptBuilt,
			Actor: "warroom", Text: text, At: now, RecordedAt: now, Ref: rd.key("transcript")}); err != nil {
			return err
		}
		if err := enqueue(ctx, tx, rd, incident.JobStoreTranscript, inc, "/archive/store"); err != nil {
			return err
		}
		// The postmortem is drafted once, from the first transcript: a
		// rebuild's job has the same key, so it is not enqueued again.
		draft, err := incident.NewJob(incident.JobDraftPostmortem, inc.ID, inc.Key+"/postmortem/draft", nil)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, draft)
	})
}

// incomplete records a failed completeness check on the timeline (once per
// set of numbers) and returns the retryable error that names them.
func (a *Archiver) incomplete(ctx context.Context, inc *incident.Incident, c Count, format string) error {
	a.log.Warn("transcript incomplete", "incident", inc.Key, "archived", c.Archived, "server", c.Server, "accounted", c.Accounted, "newer", c.Newer)
	err := a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		return a.record(ctx, tx, incident.Event{IncidentID: inc.ID, Kind: incident.EventIncomplete, Actor: "warroom",
			Text: c.String() + "; the channel stays until the transcript is complete", At: now, RecordedAt: now,
			Ref: fmt.Sprintf("archive/incomplete/%d/%d/%d/%d", c.Archived, c.Server, c.Accounted, c.Newer)})
	})
	if err != nil {
		return err
	}
	return incident.Errorf(incident.KindTransient, format, inc.Key, c)
}

// record puts an event on the timeline: through the incident Service, in
// the archive's transaction tx, so that it commits with the rest of tx.
func (a *Archiver) record(ctx context.Context, tx Tx, ev incident.Event) error {
	return a.lifecycle.RecordArchiveEvent(ctx, tx.Timeline(), ev)
}

func enqueue(ctx context.Context, tx Tx, rd round, kind incident.JobKind, inc *incident.Incident, suffix string) error {
	next, err := rd.job(kind, inc, inc.Key+suffix)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, next)
}
