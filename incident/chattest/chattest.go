// Package chattest checks a chat backend against the rules that
// incident.Chat and incident.DirectMessenger state in their doc comments, in
// the manner of testing/fstest: each backend's own tests call Run with a
// constructor, and the suite reads back what the backend did from the
// server's side (the fake's inspection, the real server's API), never from
// the adapter under test.
//
//	func TestChatConformance(t *testing.T) {
//		chattest.Run(t, func(t *testing.T) chattest.Backend { ... })
//	}
package chattest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/incident"
)

// Message is a message as the chat server holds it.
type Message struct {
	ID     string
	Text   string
	System bool     // written by the server itself: joins, header changes
	Pinned bool     // pinned in the channel
	Files  []string // names of the files attached
}

// Backend is one chat backend under test, with the means to read back
// from the server what it did.
type Backend struct {
	// Chat is the adapter under test.
	Chat incident.Chat
	// Messages returns every message of the channel as the server holds
	// it, system messages included, oldest first.
	Messages func(ctx context.Context, ch incident.ChannelRef) ([]Message, error)
	// Header returns the channel's header (Rocket.Chat: its topic) as the
	// server holds it.
	Header func(ctx context.Context, ch incident.ChannelRef) (string, error)
	// Announcement returns the channel's announcement (Rocket.Chat shows
	// the status there); nil for a backend that has none.
	Announcement func(ctx context.Context, ch incident.ChannelRef) (string, error)
	// Members returns the usernames of the channel's members.
	Members func(ctx context.Context, ch incident.ChannelRef) ([]string, error)
	// Person is the username of someone the server knows, who is invited
	// and paged by the suite.
	Person string
	// Stranger is a username the server does not know (Invite reports it
	// as unknown).
	Stranger string
	// Direct returns the messages the bot wrote to username in direct
	// messages, oldest first. It is nil when Chat is no
	// incident.DirectMessenger.
	Direct func(ctx context.Context, username string) ([]Message, error)
}

// Run runs every rule as a subtest, each against a Backend from
// newBackend. Channel names and keys are unique within one Run, so the
// backends may share one server.
func Run(t *testing.T, newBackend func(t *testing.T) Backend) {
	s := &suite{newBackend: newBackend}
	t.Run("Backend", s.backendNamesItsChannels)
	t.Run("OpenChannel", s.openChannel)
	t.Run("Post", s.post)
	t.Run("UpdateChannel", s.updateChannel)
	t.Run("Invite", s.invite)
	t.Run("DirectMessage", s.directMessage)
}

// suite is one Run: the constructor and a counter that keeps names unique.
type suite struct {
	newBackend func(t *testing.T) Backend
	n          atomic.Int64
}

// spec returns a fresh channel spec named after the running subtest.
func (s *suite) spec(t *testing.T, b Backend) incident.ChannelSpec {
	n := s.n.Add(1)
	key := fmt.Sprintf("CT-%d", n)
	return incident.ChannelSpec{IncidentKey: key, Name: fmt.Sprintf("ct-%d-%s", n, slug(t.Name())),
		DisplayName: key + " " + t.Name(), Purpose: "chattest " + t.Name(), Header: "🔥 " + key + " opened"}
}

// open opens a fresh channel, failing the test on error.
func (s *suite) open(t *testing.T, b Backend) (incident.ChannelSpec, incident.ChannelRef) {
	t.Helper()
	spec := s.spec(t, b)
	ch, err := b.Chat.OpenChannel(context.Background(), spec)
	if err != nil {
		t.Fatalf("OpenChannel(%q): %v", spec.Name, err)
	}
	return spec, ch
}

// key returns an idempotency key unique within the Run.
func (s *suite) key(what string) string { return fmt.Sprintf("ct/%d/%s", s.n.Add(1), what) }

// messages reads the channel back from the server.
func messages(t *testing.T, b Backend, ch incident.ChannelRef) []Message {
	t.Helper()
	ms, err := b.Messages(context.Background(), ch)
	if err != nil {
		t.Fatalf("read back the messages of %s: %v", ch.Name, err)
	}
	return ms
}

// withID returns the messages with that ID.
func withID(ms []Message, id string) []Message {
	var out []Message
	for _, m := range ms {
		if m.ID == id {
			out = append(out, m)
		}
	}
	return out
}

// withText returns the messages whose text contains text.
func withText(ms []Message, text string) []Message {
	var out []Message
	for _, m := range ms {
		if strings.Contains(m.Text, text) {
			out = append(out, m)
		}
	}
	return out
}

// slug makes a subtest name fit in a channel name.
func slug(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
		if b.Len() == 24 {
			break
		}
	}
	return b.String()
}
