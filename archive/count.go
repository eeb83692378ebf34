package archive

import (
	"fmt"
	"time"
)

// Tally is what one history walk read.
type Tally struct {
	Messages int `json:"messages"` // messages passed to fn
	// Counted is how many of them the server's own count includes (for
	// example Mattermost leaves joins and leaves out of its count).
	Counted int `json:"counted"`
	// LastID and LastAt are the newest message read, where the last look
	// for newer messages starts; empty for an empty channel.
	LastID string    `json:"last_id,omitempty"`
	LastAt time.Time `json:"last_at"`
	// Began is a time, by the chat server's clock, no later than the
	// walk's first read: a message deleted before it cannot be in the
	// walk. Zero when the backend does not know it.
	Began time.Time `json:"began,omitzero"`
	// Unread are messages deleted after Began that the walk did not read
	// (deleted before it reached them), which the server still counts.
	Unread []string `json:"unread,omitempty"`
}

// Count is the chat server's own account of a channel, set against a walk.
type Count struct {
	Archived  int    `json:"archived"`  // messages in the transcript
	Server    int    `json:"server"`    // what the server says the channel holds, in its terms
	Accounted int    `json:"accounted"` // what the walk accounts for in the same terms
	Deleted   int    `json:"deleted"`   // of Accounted, deleted messages the server still counts
	Newer     int    `json:"newer"`     // messages newer than the walk, found by the last look
	Basis     string `json:"basis"`     // what the server's number counts and how it was read
	// Floor says the server's number can fall behind the channel but never
	// run ahead of it (Mattermost's), so a walk that accounts for more is
	// not short.
	Floor     bool      `json:"floor,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
	// Accepted is how many messages short of Server an operator accepted
	// (AcceptUncounted), and AcceptedBy who; 0 when none.
	Accepted   int    `json:"accepted,omitempty"`
	AcceptedBy string `json:"accepted_by,omitempty"`
	// Walk is the tally of the walk the transcript was built from, for
	// checking the channel again right before it is deleted.
	Walk Tally `json:"walk"`
}

// Complete reports whether the walk accounts for everything the server
// counts (exactly, or at least when the number is a floor) and nothing
// arrived after it.
//
// A walk short by no more than an operator accepted (Accepted) passes too;
// a walk that accounts for more than an exact count never does, and
// nothing newer than the walk may have arrived.
func (c Count) Complete() bool {
	short := c.Server - c.Accounted
	if c.Newer != 0 || !c.Floor && short < 0 {
		return false
	}
	return short <= 0 || short <= c.Accepted
}

// String names the numbers, for the timeline and a job's error.
func (c Count) String() string {
	s := fmt.Sprintf("%d messages archived; the chat server counts %d (%s), the walk accounts for %d", c.Archived, c.Server, c.Basis, c.Accounted)
	if c.Deleted > 0 {
		s += fmt.Sprintf(" including %d deleted", c.Deleted)
	}
	if c.Newer > 0 {
		s += fmt.Sprintf("; %d messages are newer than the walk", c.Newer)
	}
	if short := c.Server - c.Accounted; short > 0 && c.Accepted > 0 {
		s += fmt.Sprintf("; %s accepted up to %d uncounted, %d short", c.AcceptedBy, c.Accepted, short)
	}
	return s
}
