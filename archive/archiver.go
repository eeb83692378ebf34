package archive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/warroom/warroom/incident"
)

// Chat is what archiving needs of a chat backend.
type Chat interface {
	// History calls fn for every message of the channel, oldest first,
	// reading it page by page.
	History(ctx context.Context, ch incident.ChannelRef, fn func(Message) error) error
	// DeleteChannel removes the channel (or archives it, as configured) and
	// says what it did. A channel that is already gone is not an error.
	DeleteChannel(ctx context.Context, ch incident.ChannelRef) (string, error)
}

// Tickets is what archiving needs of a ticket system.
type Tickets interface {
	// StoreDocument attaches a document to the ticket. It returns a
	// *TooLargeError for a document over the system's attachment limit.
	StoreDocument(ctx context.Context, t incident.TicketRef, d Document) error
	// HasDocument reads the documents named d.Name back from the ticket and
	// reports whether one of them has d's SHA-256.
	HasDocument(ctx context.Context, t incident.TicketRef, d Document) (bool, error)
}

// Store is the part of warroom's store that archiving writes.
type Store interface {
	Incident(ctx context.Context, id int64) (*incident.Incident, error)
	Events(ctx context.Context, incidentID int64) ([]incident.Event, error)
	// Transcripts returns the stored documents of an incident.
	Transcripts(ctx context.Context, incidentID int64) ([]Stored, error)
	// UpdateArchive runs fn in one write transaction.
	UpdateArchive(ctx context.Context, fn func(Tx) error) error
}

// Tx is a write transaction over the incident store and the transcripts.
type Tx interface {
	incident.Tx
	// SaveTranscript replaces the incident's documents.
	SaveTranscript(ctx context.Context, incidentID int64, docs []Document, now time.Time) error
	// MarkVerified records that the named document was read back intact.
	MarkVerified(ctx context.Context, incidentID int64, name string, now time.Time) error
}

// TooLargeError is what a ticket system answers for a document over its
// attachment limit. The archive then keeps that document in warroom only
// and links to it from the ticket.
type TooLargeError struct {
	Name  string
	Size  int
	Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, over the ticket system's attachment limit of %d", e.Name, e.Size, e.Limit)
}

// Stored is a document as kept in warroom's own store.
type Stored struct {
	Document
	CreatedAt  time.Time
	VerifiedAt *time.Time
}

// Lifecycle is the part of the incident Service that archiving drives.
type Lifecycle interface {
	// MarkArchived moves a closed incident to archived once its channel is gone.
	MarkArchived(ctx context.Context, id int64, how string) error
}

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

// Register gives the runner the three archive jobs.
func (a *Archiver) Register(r JobRegistry) {
	r.Handle(incident.JobBuildTranscript, a.build)
	r.Handle(incident.JobStoreTranscript, a.storeAndVerify)
	r.Handle(incident.JobDeleteChannel, a.deleteChannel)
}

// build reads the whole channel and the timeline, renders the transcript and
// saves it in warroom's store together with the job that stores it in the
// ticket system. Running it again finds the documents saved and only queues the next step.
func (a *Archiver) build(ctx context.Context, j incident.Job) error {
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	existing, err := a.store.Transcripts(ctx, inc.ID)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		// Built before a crash: the first build is the record; only make
		// sure its next step is queued.
		return a.store.UpdateArchive(ctx, func(tx Tx) error { return enqueueStore(ctx, tx, inc) })
	}
	events, err := a.store.Events(ctx, inc.ID)
	if err != nil {
		return err
	}
	docs, pins, err := Render(inc, events, func(fn func(Message) error) error {
		if inc.Channel.Empty() {
			return nil
		}
		return a.chat.History(ctx, inc.Channel, fn)
	}, a.opts)
	if err != nil {
		return fmt.Errorf("build transcript of %s: %w", inc.Key, err)
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		for _, p := range pins {
			p.IncidentID, p.RecordedAt = inc.ID, now
			if _, err := tx.AddEvent(ctx, &p); err != nil {
				return err
			}
		}
		if err := tx.SaveTranscript(ctx, inc.ID, docs, now); err != nil {
			return err
		}
		text := fmt.Sprintf("%d bytes of Markdown, %d bytes of JSON, %d files copied", len(docs[0].Content), len(docs[1].Content), len(docs)-2)
		if _, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventTranscriptBuilt,
			Actor: "warroom", Text: text, At: now, RecordedAt: now, Ref: "transcript"}); err != nil {
			return err
		}
		return enqueueStore(ctx, tx, inc)
	})
}

func enqueueStore(ctx context.Context, tx Tx, inc *incident.Incident) error {
	next, err := incident.NewJob(incident.JobStoreTranscript, inc.ID, inc.Key+"/archive/store", nil)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, next)
}

// storeAndVerify puts each document into the ticket system, reads it back,
// and compares digests. Only when every document matches does it enqueue
// the channel's deletion, in the same transaction that records the proof.
func (a *Archiver) storeAndVerify(ctx context.Context, j incident.Job) error {
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	if inc.Ticket.Empty() {
		return incident.Errorf(incident.KindTransient, "%s has no ticket yet; the transcript waits for it", inc.Key)
	}
	docs, err := a.store.Transcripts(ctx, inc.ID)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return incident.Errorf(incident.KindPermanent, "%s has no transcript to store; rebuild it", inc.Key)
	}
	local := map[string]bool{} // documents kept in warroom only
	for _, d := range docs {
		if d.VerifiedAt != nil {
			continue
		}
		if Digest(d.Content) != d.SHA256 {
			return incident.Errorf(incident.KindPermanent, "%s in warroom's store does not match its recorded digest: the store is damaged", d.Name)
		}
		has, err := a.tickets.HasDocument(ctx, inc.Ticket, d.Document)
		if err != nil {
			return fmt.Errorf("check %s in ticket %s: %w", d.Name, inc.Ticket.Key, err)
		}
		if !has {
			err := a.tickets.StoreDocument(ctx, inc.Ticket, d.Document)
			var tooLarge *TooLargeError
			if errors.As(err, &tooLarge) {
				a.log.Info("document kept in warroom only", "incident", inc.Key, "doc", d.Name, "why", err)
				local[d.Name] = true
				if err := a.store.UpdateArchive(ctx, func(tx Tx) error { return tx.MarkVerified(ctx, inc.ID, d.Name, a.clock.Now()) }); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return fmt.Errorf("store %s in ticket %s: %w", d.Name, inc.Ticket.Key, err)
			}
			if has, err = a.tickets.HasDocument(ctx, inc.Ticket, d.Document); err != nil {
				return fmt.Errorf("read back %s from ticket %s: %w", d.Name, inc.Ticket.Key, err)
			}
			if !has {
				return incident.Errorf(incident.KindTransient, "%s in ticket %s does not match what was sent (sha256 %s)", d.Name, inc.Ticket.Key, d.SHA256)
			}
		}
		if err := a.store.UpdateArchive(ctx, func(tx Tx) error {
			return tx.MarkVerified(ctx, inc.ID, d.Name, a.clock.Now())
		}); err != nil {
			return err
		}
	}
	summary, err := a.summary(ctx, inc, docs, local)
	if err != nil {
		return err
	}
	return a.store.UpdateArchive(ctx, func(tx Tx) error {
		now := a.clock.Now()
		if summary != "" {
			j, err := incident.NewTicketCommentJob(inc, "summary", summary)
			if err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		text := fmt.Sprintf("transcript stored in %s %s and verified by SHA-256", inc.Ticket.Backend, inc.Ticket.Key)
		if len(local) > 0 {
			text += fmt.Sprintf("; %d documents over its attachment limit kept in warroom", len(local))
		}
		if _, err := tx.AddEvent(ctx, &incident.Event{IncidentID: inc.ID, Kind: incident.EventArchived,
			Actor: "warroom", Text: text, At: now, RecordedAt: now, Ref: "archive"}); err != nil {
			return err
		}
		next, err := incident.NewJob(incident.JobDeleteChannel, inc.ID, inc.Key+"/channel/delete", nil)
		if err != nil {
			return err
		}
		return tx.Enqueue(ctx, next)
	})
}

// summary renders the comment for the ticket, when one is wanted.
func (a *Archiver) summary(ctx context.Context, inc *incident.Incident, docs []Stored, local map[string]bool) (string, error) {
	if a.opts.Summary == nil {
		return "", nil
	}
	events, err := a.store.Events(ctx, inc.ID)
	if err != nil {
		return "", err
	}
	data := SummaryData{Incident: inc, Events: events, URL: a.opts.PublicURL + "/incidents/" + inc.Key,
		TimeToAck: since(inc.CreatedAt, inc.AckedAt), TimeToResolve: since(inc.CreatedAt, inc.ResolvedAt)}
	for _, d := range docs {
		if d.Format == "json" {
			data.Participants = participants(d.Content)
		}
		data.Documents = append(data.Documents, SummaryDoc{Name: d.Name, Size: len(d.Content), InTicket: !local[d.Name],
			URL: data.URL + "/documents/" + d.Name})
	}
	return a.opts.Summary.Render("ticket_summary", data)
}

// deleteChannel removes the channel, but only after it has checked for
// itself that every transcript document is verified.
func (a *Archiver) deleteChannel(ctx context.Context, j incident.Job) error {
	inc, err := a.store.Incident(ctx, j.IncidentID)
	if err != nil {
		return err
	}
	verified, err := a.allVerified(ctx, inc.ID)
	if err != nil {
		return err
	}
	if !verified {
		return incident.Errorf(incident.KindPermanent, "refusing to delete the channel of %s: its transcript is not stored and verified", inc.Key)
	}
	how := "no channel"
	if !inc.Channel.Empty() {
		if how, err = a.chat.DeleteChannel(ctx, inc.Channel); err != nil {
			return fmt.Errorf("delete channel %s of %s: %w", inc.Channel.Name, inc.Key, err)
		}
	}
	a.log.Info("channel removed after verified archive", "incident", inc.Key, "channel", inc.Channel.Name, "how", how)
	return a.lifecycle.MarkArchived(ctx, inc.ID, how)
}

func (a *Archiver) allVerified(ctx context.Context, id int64) (bool, error) {
	docs, err := a.store.Transcripts(ctx, id)
	if err != nil {
		return false, err
	}
	for _, d := range docs {
		if d.VerifiedAt == nil {
			return false, nil
		}
	}
	return len(docs) > 0, nil
}
