package archive

import "time"

// Message is one chat message as a backend reports it for the transcript.
type Message struct {
	ID        string     `json:"id"`
	ThreadID  string     `json:"thread_id,omitempty"` // the root message's ID for a reply
	Author    string     `json:"author"`              // username
	Text      string     `json:"text"`
	At        time.Time  `json:"at"`
	EditedAt  *time.Time `json:"edited_at,omitempty"`
	System    bool       `json:"system,omitempty"` // joins, header changes and the like
	Bot       bool       `json:"bot,omitempty"`    // posted by warroom itself
	Reactions []Reaction `json:"reactions,omitempty"`
	Files     []File     `json:"files,omitempty"`
	// NoReplies is a backend's word that nobody replied to the message (as
	// far as it knew when it read it): the renderer then forgets its
	// number, so that memory stays flat in the channel's size.
	NoReplies bool `json:"-"`
}

// Reaction is an emoji and who put it on a message.
type Reaction struct {
	Emoji string   `json:"emoji"`
	Users []string `json:"users"`
}

// File is a file attached to a message. A backend fills Data when the file
// is within its size limit for copying into the archive.
type File struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
	Type string `json:"type"`
	Data []byte `json:"-"`
	// Archived is the name of the document that holds the file's bytes in
	// the archive; empty when they were not copied (say why in NotCopied).
	Archived  string `json:"archived,omitempty"`
	NotCopied string `json:"not_copied,omitempty"`
}
