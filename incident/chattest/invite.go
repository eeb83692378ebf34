package chattest

import (
	"context"
	"slices"
	"testing"

	"github.com/warroom/warroom/incident"
)

// invite: Invite adds the people named and says what became of each; one
// already in the channel is left alone (no second join), so a repeat adds
// nobody twice; a username the chat does not know is reported, not an
// error.
func (s *suite) invite(t *testing.T) {
	ctx := context.Background()
	members := func(t *testing.T, b Backend, ch incident.ChannelRef) []string {
		t.Helper()
		m, err := b.Members(ctx, ch)
		if err != nil {
			t.Fatalf("read back the members of %s: %v", ch.Name, err)
		}
		return m
	}
	t.Run("AddsThePersonNamed", func(t *testing.T) {
		b := s.newBackend(t)
		_, ch := s.open(t, b)
		if slices.Contains(members(t, b, ch), b.Person) {
			t.Fatalf("%s is in a channel opened without invitees", b.Person)
		}
		got, err := b.Chat.Invite(ctx, ch, []string{b.Person})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Added, []string{b.Person}) || len(got.Already)+len(got.Unknown) != 0 {
			t.Errorf("Invite(%s) = %+v, want them added", b.Person, got)
		}
		if !slices.Contains(members(t, b, ch), b.Person) {
			t.Errorf("the server lists members %q, want %s among them", members(t, b, ch), b.Person)
		}
	})
	t.Run("OneAlreadyInIsLeftAlone", func(t *testing.T) {
		b := s.newBackend(t)
		spec := s.spec(t, b)
		spec.Invite = []string{b.Person}
		ch, err := b.Chat.OpenChannel(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		before := messages(t, b, ch)
		// A retried job, and one run by a restarted process.
		for i, chat := range []incident.Chat{b.Chat, s.newBackend(t).Chat} {
			got, err := chat.Invite(ctx, ch, []string{b.Person, b.Person})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Already, []string{b.Person}) || len(got.Added)+len(got.Unknown) != 0 {
				t.Errorf("invite %d of a member: %+v, want them already in, once", i+1, got)
			}
		}
		if after := messages(t, b, ch); len(after) != len(before) {
			t.Errorf("inviting a member left %d new messages in the channel (a second join?)", len(after)-len(before))
		}
		if n := count(members(t, b, ch), b.Person); n != 1 {
			t.Errorf("%s is a member %d times", b.Person, n)
		}
	})
	t.Run("StrangerIsReportedNotFatal", func(t *testing.T) {
		b := s.newBackend(t)
		if b.Stranger == "" {
			t.Fatal("Backend.Stranger is not set: name a user the server does not know")
		}
		_, ch := s.open(t, b)
		got, err := b.Chat.Invite(ctx, ch, []string{b.Stranger, b.Person})
		if err != nil {
			t.Fatalf("an unknown user made Invite fail: %v", err)
		}
		if !slices.Equal(got.Unknown, []string{b.Stranger}) || !slices.Equal(got.Added, []string{b.Person}) {
			t.Errorf("Invite(%s, %s) = %+v, want the stranger unknown and %s added", b.Stranger, b.Person, got, b.Person)
		}
		if slices.Contains(members(t, b, ch), b.Stranger) {
			t.Errorf("the stranger %s is a member", b.Stranger)
		}
	})
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}
