package archive

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/warroom/warroom/incident"
)

// Chat is what archiving needs of a chat backend.
type Chat interface {
	// History calls fn for every message of the channel, oldest first, each
	// exactly once even when messages share a timestamp or arrive while it
	// reads, and says what it read in the server's own terms.
	History(ctx context.Context, ch incident.ChannelRef, fn func(Message) error) (Tally, error)
	// Count reads what the chat server says the channel holds, sets it
	// against a finished walk, and takes a last look for messages newer
	// than the walk. A channel that is gone or archived (it can no longer
	// change) is an error of KindNotFound.
	Count(ctx context.Context, ch incident.ChannelRef, t Tally) (Count, error)
	// DeleteChannel removes the channel (or archives it, as configured) and
	// says what it did. A channel that is already gone is not an error.
	DeleteChannel(ctx context.Context, ch incident.ChannelRef) (string, error)
}

// Tickets is what archiving needs of a ticket system.
type Tickets interface {
	// StoreDocument attaches a document to the ticket, reading its content
	// from d.Open. It returns a *TooLargeError for a document over the
	// system's attachment limit.
	StoreDocument(ctx context.Context, t incident.TicketRef, d Document) error
	// HasDocument reads the documents named d.Name back from the ticket and
	// reports whether one of them has d's size and SHA-256.
	HasDocument(ctx context.Context, t incident.TicketRef, d Document) (bool, error)
}

// Store is the part of warroom's store that archiving reads and writes.
type Store interface {
	Incident(ctx context.Context, id int64) (*incident.Incident, error)
	Events(ctx context.Context, incidentID int64) ([]incident.Event, error)
	// Documents returns the incident's stored documents without their
	// content: each opens as a stream (Document.Open).
	Documents(ctx context.Context, incidentID int64) ([]Stored, error)
	// RecordedCount returns the completeness check the incident's
	// transcript passed, or nil when none is recorded.
	RecordedCount(ctx context.Context, incidentID int64) (*Count, error)
	// UpdateArchive runs fn in one write transaction.
	UpdateArchive(ctx context.Context, fn func(Tx) error) error
}

// Tx is a write transaction of the archive: the transcript, where each
// document went, and the jobs that follow, committed together. Timeline
// events are not written here but by the incident Service
// (Lifecycle.RecordArchiveEvent) through Timeline, in the same transaction.
type Tx interface {
	// Timeline is this transaction as the Service writes the timeline in
	// it; the archive only hands it to Lifecycle.RecordArchiveEvent.
	Timeline() incident.ArchiveTx
	// Enqueue persists a job; a job with the same Key already enqueued
	// makes it a no-op.
	Enqueue(ctx context.Context, j incident.Job) error
	// ClearTranscript removes the incident's documents and recorded count.
	ClearTranscript(ctx context.Context, incidentID int64) error
	// WriteDocument stores one document, reading content to its end in
	// chunks. Only then does it read d.Size and d.SHA256, so a hashing
	// reader may fill them in as it is drained. The document is pending
	// (not placed) until MarkPlaced.
	WriteDocument(ctx context.Context, incidentID int64, d *Document, content io.Reader, now time.Time) error
	// RecordCount keeps the completeness check the transcript passed.
	RecordCount(ctx context.Context, incidentID int64, c Count, now time.Time) error
	// MarkPlaced records where the named document went: PlacementTicket
	// (stored in the ticket system and read back intact) or PlacementLocal
	// (kept in warroom only, for the reason given, for example over the
	// attachment limit). A document placed already keeps its placement.
	MarkPlaced(ctx context.Context, incidentID int64, name string, p Placement, reason string, now time.Time) error
}

// Placement is where a stored document ended up.
type Placement string

// The placements. A document is placed once it is verified in the ticket
// or kept in warroom; only then may the channel go.
const (
	PlacementPending Placement = ""       // not stored in the ticket system yet
	PlacementTicket  Placement = "ticket" // in the ticket, read back with an equal hash
	PlacementLocal   Placement = "local"  // kept in warroom only (see Stored.Reason)
)

// Document is a file of the archive: a rendered transcript or a file copied
// from the channel, with its content as a stream.
type Document struct {
	Format      string // md, json or file
	Name        string // e.g. INC-42-transcript.md, INC-42-files/ab12cd34-graph.png
	ContentType string
	Size        int64
	SHA256      string // hex digest of the content
	// Open reads the content from the start; the caller closes it.
	Open func(ctx context.Context) (io.ReadCloser, error) `json:"-"`
}

// Stored is a document as kept in warroom's own store.
type Stored struct {
	Document
	CreatedAt  time.Time
	VerifiedAt *time.Time // when it was placed
	Placement  Placement
	Reason     string // why a document is kept in warroom only
}

// TooLargeError is what a ticket system answers for a document over its
// attachment limit. The archive then keeps that document in warroom only
// and links to it from the ticket.
type TooLargeError struct {
	Name  string
	Size  int64
	Limit int64 // the limit warroom knows (its config)
	// Refused says that the ticket system itself refused the document as
	// too large: its own limit, which it does not tell, is below Limit.
	Refused bool
}

// Error implements error.
func (e *TooLargeError) Error() string {
	if e.Refused {
		return fmt.Sprintf("%s is %d bytes: the ticket system refused it as too large, so its own limit is below the %d bytes warroom is configured with; lower warroom's limit to match", e.Name, e.Size, e.Limit)
	}
	return fmt.Sprintf("%s is %d bytes, over the ticket system's attachment limit of %d", e.Name, e.Size, e.Limit)
}

// Lifecycle is the part of the incident Service that archiving drives: it
// writes the archive's events on the timeline, and moves the incident on.
type Lifecycle interface {
	// RecordArchiveEvent puts an event on the incident's timeline inside
	// the archive's transaction (Tx.Timeline), so that it commits with what
	// the archive writes beside it. An event whose incident, kind and Ref
	// are on the timeline already is recorded once.
	RecordArchiveEvent(ctx context.Context, tx incident.ArchiveTx, ev incident.Event) error
	// MarkArchived moves a closed incident to archived once its channel is gone.
	MarkArchived(ctx context.Context, id int64, how string) error
}
