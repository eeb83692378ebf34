package chattest

import (
	"context"
	"slices"
	"testing"

	"github.com/warroom/warroom/incident"
)

// backendNamesItsChannels: Backend names the backend, as stored in
// ChannelRef.Backend.
func (s *suite) backendNamesItsChannels(t *testing.T) {
	b := s.newBackend(t)
	if b.Chat.Backend() == "" {
		t.Fatal("Backend() is empty")
	}
	_, ch := s.open(t, b)
	if ch.Backend != b.Chat.Backend() {
		t.Errorf("OpenChannel gave ChannelRef.Backend %q, Backend() is %q", ch.Backend, b.Chat.Backend())
	}
}

// openChannel: OpenChannel creates the channel, or returns the one this
// spec already created; a name taken by someone else is resolved by the
// backend.
func (s *suite) openChannel(t *testing.T) {
	t.Run("CreatesTheChannelWithItsHeaderAndInvitees", func(t *testing.T) {
		b := s.newBackend(t)
		spec := s.spec(t, b)
		spec.Invite = []string{b.Person}
		ch, err := b.Chat.OpenChannel(context.Background(), spec)
		if err != nil {
			t.Fatal(err)
		}
		if ch.ID == "" || ch.Name == "" {
			t.Fatalf("OpenChannel gave %+v: want an ID and a name", ch)
		}
		if h, err := b.Header(context.Background(), ch); err != nil || h != spec.Header {
			t.Errorf("the server holds header %q (%v), want %q", h, err, spec.Header)
		}
		if m, err := b.Members(context.Background(), ch); err != nil || !slices.Contains(m, b.Person) {
			t.Errorf("the server lists members %q (%v), want %s among them", m, err, b.Person)
		}
	})
	t.Run("SameSpecReturnsTheSameChannel", func(t *testing.T) {
		b := s.newBackend(t)
		spec, first := s.open(t, b)
		again, err := b.Chat.OpenChannel(context.Background(), spec) // a job that crashed before recording the channel
		if err != nil {
			t.Fatal(err)
		}
		if again != first {
			t.Errorf("a repeated OpenChannel gave %+v, want the first channel %+v", again, first)
		}
		// A restarted process has no memory of the first call.
		if again, err := s.newBackend(t).Chat.OpenChannel(context.Background(), spec); err != nil || again != first {
			t.Errorf("OpenChannel from a new backend (a restart) gave %+v (%v), want the first channel %+v", again, err, first)
		}
	})
	t.Run("NameTakenByAnotherIncidentIsResolved", func(t *testing.T) {
		b := s.newBackend(t)
		spec, first := s.open(t, b)
		other := s.spec(t, b)
		other.Name, other.DisplayName = spec.Name, spec.DisplayName+" (another)"
		second, err := b.Chat.OpenChannel(context.Background(), other)
		if err != nil {
			t.Fatalf("a second incident wishing for the name %q: %v", spec.Name, err)
		}
		if second.ID == first.ID || second.Name == first.Name {
			t.Errorf("two incidents share a channel: %+v and %+v", first, second)
		}
		id, err := b.Chat.Post(context.Background(), second, incident.Post{Key: s.key("other"), Text: "for the other incident"})
		if err != nil {
			t.Fatal(err)
		}
		if len(withID(messages(t, b, first), id)) != 0 || len(withID(messages(t, b, second), id)) != 1 {
			t.Errorf("a post into the second channel is not (only) there")
		}
	})
}

// updateChannel: UpdateChannel brings the header (and, where the backend
// has one, the announcement) up to date, leaving what is already right.
func (s *suite) updateChannel(t *testing.T) {
	t.Run("SetsTheHeader", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		state := incident.ChannelState{Header: "🟠 high · acked · @alice", Status: "acked by alice"}
		if err := b.Chat.UpdateChannel(context.Background(), ch, state); err != nil {
			t.Fatal(err)
		}
		if h, err := b.Header(context.Background(), ch); err != nil || h != state.Header {
			t.Errorf("the server holds header %q (%v), want %q", h, err, state.Header)
		}
		if b.Announcement != nil {
			if a, err := b.Announcement(context.Background(), ch); err != nil || a != state.Status {
				t.Errorf("the server holds announcement %q (%v), want the status %q", a, err, state.Status)
			}
		}
	})
	t.Run("RepeatChangesNothing", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		state := incident.ChannelState{Header: "🔴 critical · open", Status: "investigating"}
		if err := b.Chat.UpdateChannel(context.Background(), ch, state); err != nil {
			t.Fatal(err)
		}
		before := messages(t, b, ch)
		if err := b.Chat.UpdateChannel(context.Background(), ch, state); err != nil {
			t.Fatalf("a repeated UpdateChannel: %v", err)
		}
		if after := messages(t, b, ch); len(after) != len(before) {
			t.Errorf("a repeated UpdateChannel left %d new messages in the channel (header changes?)", len(after)-len(before))
		}
		if h, err := b.Header(context.Background(), ch); err != nil || h != state.Header {
			t.Errorf("the server holds header %q (%v), want %q", h, err, state.Header)
		}
	})
}
