package builtin

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/warroom/warroom/incident"
)

// Store is where the builtin backend keeps its channels, messages, files and
// tickets: warroom's own database, whose versioned migrations create the
// tables (incident/sqlite implements it). The rules of the backend (unique
// names, replies joining the root's thread, idempotent posts, the history
// walk) are the Backend's; a Store keeps rows and answers lookups.
type Store interface {
	ChannelStore
	MessageStore
	FileStore
	TicketStore
}

// ChannelLookup names one channel: by ID, by the key it was opened for (an
// incident key, or "dm:<user>" for a direct channel), or by name. The first
// field set counts.
type ChannelLookup struct {
	ID          string
	IncidentKey string
	Name        string
}

// ChannelStore keeps the builtin channels.
type ChannelStore interface {
	// CreateChannel stores a new channel. It fails when the ID, incident
	// key or name is taken.
	CreateChannel(ctx context.Context, ch Channel) error
	// LookupChannel returns the channel named by l; found is false when
	// there is none.
	LookupChannel(ctx context.Context, l ChannelLookup) (ch Channel, found bool, err error)
	// ListChannels returns every channel, newest first.
	ListChannels(ctx context.Context) ([]Channel, error)
	// SetChannelHeader replaces a channel's header.
	SetChannelHeader(ctx context.Context, channelID, header string) error
	// AddChannelMember adds username to a channel's members in one
	// statement; added is false when they were a member already (or there
	// is no such channel).
	AddChannelMember(ctx context.Context, channelID, username string) (added bool, err error)
	// DeleteChannel removes a channel with its messages and their files;
	// existed is false when there was no such channel.
	DeleteChannel(ctx context.Context, channelID string) (existed bool, err error)
}

// ErrNoChannel is what a MessageStore returns, wrapped, for a message
// written into a channel that does not exist.
var ErrNoChannel = errors.New("no such builtin channel")

// MessageStore keeps the messages of the builtin channels. Messages are
// numbered (Message.Seq) in the order they are committed, so that a walk by
// Seq reads a message that arrives meanwhile after the ones before it and
// never skips one.
type MessageStore interface {
	// AddMessage stores m (ID, ThreadID, Author, Text, Card, System,
	// Pinned, At) in the channel and returns its ID. With a key, a message
	// stored under the same key before is kept and its ID returned. A
	// missing channel is ErrNoChannel.
	AddMessage(ctx context.Context, channelID string, m Message, key string) (string, error)
	// EditMessage replaces a message's text and, when card is not nil, its
	// card, and sets its EditedAt.
	EditMessage(ctx context.Context, channelID, id, text string, card *incident.Card, at time.Time) error
	// Message returns one message of a channel without its files; found is
	// false when the channel has no such message.
	Message(ctx context.Context, channelID, id string) (m Message, found bool, err error)
	// Messages returns up to limit messages with Seq above afterSeq,
	// oldest first, without their files.
	Messages(ctx context.Context, channelID string, afterSeq int64, limit int) ([]Message, error)
	// CountMessages returns how many messages the channel holds, and how
	// many of them came after the message afterID (all of them when
	// afterID is not in the channel).
	CountMessages(ctx context.Context, channelID, afterID string) (all, newer int, err error)
}

// FileStore keeps the files attached to builtin messages.
type FileStore interface {
	// AddFile stores a file of a message (f.ID, Name, Type; Size is
	// len(data)).
	AddFile(ctx context.Context, messageID string, f FileInfo, data []byte) error
	// Files lists a message's files in the order they were added.
	Files(ctx context.Context, messageID string) ([]FileInfo, error)
	// File returns a file of a message of the channel with its bytes;
	// found is false when the channel has no such file.
	File(ctx context.Context, channelID, fileID string) (f FileInfo, data []byte, found bool, err error)
	// FileData returns a file's bytes.
	FileData(ctx context.Context, fileID string) ([]byte, error)
}

// TicketStore keeps the builtin tickets and the documents stored on them.
type TicketStore interface {
	// AddTicket stores a ticket; one with the same key already stored is
	// kept as it is.
	AddTicket(ctx context.Context, key, title string, at time.Time) error
	// WriteTicketDocument stores (or replaces) a document on a ticket,
	// reading content to its end as a stream, so that memory does not grow
	// with its size. The document is replaced whole or not at all.
	WriteTicketDocument(ctx context.Context, ticketKey, name, contentType string, content io.Reader, at time.Time) error
	// ReadTicketDocument writes a stored document's bytes to w; found is
	// false when the ticket has no such document.
	ReadTicketDocument(ctx context.Context, ticketKey, name string, w io.Writer) (found bool, err error)
	// TicketDocumentType returns a stored document's content type; found
	// is false when the ticket has no such document.
	TicketDocumentType(ctx context.Context, ticketKey, name string) (contentType string, found bool, err error)
}
