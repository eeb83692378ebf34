package incident

import "context"

// Chat is what the Service needs of a chat backend (builtin, Mattermost,
// Rocket.Chat). Every method must be idempotent: a job that crashed after
// the side effect and before recording it runs them again.
type Chat interface {
	// Backend names the backend, as stored in ChannelRef.Backend.
	Backend() string
	// OpenChannel creates the channel, or returns the one this spec already
	// created. A name taken by someone else is resolved by the backend.
	OpenChannel(ctx context.Context, spec ChannelSpec) (ChannelRef, error)
	// Post writes a message into the channel, or edits the message
	// Post.EditID, and returns the message's ID. When Post.Retry is set the
	// job ran before: the backend must return the message an earlier
	// attempt posted with the same Key instead of posting it again. A
	// backend that cannot edit a card (Rocket.Chat) may replace the
	// message, finding on a repeat of the same Key the one it posted, and
	// return the new ID, which the caller records in the message's slot.
	Post(ctx context.Context, ch ChannelRef, p Post) (string, error)
	// UpdateChannel brings the channel's header (and, where the backend
	// has one, its announcement) up to date, leaving what is already right.
	UpdateChannel(ctx context.Context, ch ChannelRef, state ChannelState) error
	// Invite adds the people named (usernames) to the channel and says
	// what became of each. A person already in the channel is left alone
	// (no second join) and listed in Invited.Already, so a repeated call
	// adds nobody twice. A username the chat does not know, or may not add
	// to the channel (a Mattermost user outside the team), is listed in
	// Invited.Unknown and is no error; an error means the channel or the
	// server failed, and the call may be retried.
	Invite(ctx context.Context, ch ChannelRef, usernames []string) (Invited, error)
}

// Invited is what an Invite did with each username it was given.
type Invited struct {
	Added   []string // in the channel now, added by this call
	Already []string // in the channel before this call
	Unknown []string // not known to the chat (or not allowed in the channel): not invited
}

// ChannelState is what a channel shows about its incident outside the
// messages.
type ChannelState struct {
	Header string // one line: severity, status, commander, ticket, link
	Status string // the status text (Rocket.Chat shows it as the announcement)
}

// ChannelSpec is what a backend needs to open an incident's channel.
type ChannelSpec struct {
	IncidentKey string
	Name        string // wished-for handle; the backend makes it valid and unique
	DisplayName string
	Purpose     string
	Header      string
	Invite      []string // usernames to add
}

// Post is a message warroom writes into a channel. Text is Markdown; a
// backend that can show richer messages uses Card.
type Post struct {
	Key    string // idempotency key, unique per message
	Text   string
	Card   *Card
	Pin    bool   // pin the message in the channel
	EditID string // edit this message instead of posting a new one
	Retry  bool   // an earlier attempt may have posted it already
	Files  []File // files posted with the message (a graph, a runbook)
}

// DirectMessenger writes to one person in the chat backend (a page's
// direct message). Every chat backend has it; the wiring hands it to the
// escalation's direct-message destination.
type DirectMessenger interface {
	// DirectMessage posts p to username's direct channel with the bot and
	// returns the message's ID; with p.Retry set it must not post twice.
	DirectMessage(ctx context.Context, username string, p Post) (string, error)
}

// File is a file warroom posts into a channel.
type File struct {
	Name string
	Type string // MIME type
	Data []byte
}

// Card is a structured message: a coloured block with fields and buttons.
type Card struct {
	Title    string
	TitleURL string
	Text     string
	Severity Severity // colours the card
	Fields   []Field
	Actions  []Action
}

// Field is a short label and value shown on a Card.
type Field struct {
	Title string
	Value string
	Short bool
}

// Action is a button on a Card; Command is the /incident subcommand it runs.
type Action struct {
	ID      string
	Label   string
	Command string
}

// Renderer renders the operator-overridable texts (channel names, posts).
type Renderer interface {
	// Render executes the named template.
	Render(name string, data any) (string, error)
	// RenderText parses and executes a template given as text (a routing
	// rule's channel name), with the same functions; name is for errors.
	RenderText(name, text string, data any) (string, error)
}

// Runbook is a runbook matched to an incident.
type Runbook struct {
	Name  string
	Title string
	Body  string // Markdown
	// Actions are the /incident run lines its front matter suggests
	// ("restart-app env=prod"), offered as buttons under the runbook post.
	Actions []string
}

// Runbooks finds the runbook for an incident's labels, or by name.
type Runbooks interface {
	Find(labels map[string]string) (Runbook, bool)
	ByName(name string) (Runbook, bool)
}

// RemoteRunbooks reads the first section of a Markdown runbook behind a
// runbook_url link; ok is false for anything it cannot read as Markdown.
type RemoteRunbooks interface {
	FirstSection(ctx context.Context, url string) (Runbook, bool)
}
