// Package tickettest checks a ticket system against the rules that
// incident.Tickets states in its doc comments, in the manner of
// testing/fstest: each backend's own tests call Run with a constructor, and
// the suite reads back what the backend did from the system's side (the
// fake's inspection), never from the adapter under test.
package tickettest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/incident"
)

// Backend is one ticket system under test, with the means to read back
// what it did.
type Backend struct {
	// Tickets is the adapter under test.
	Tickets incident.Tickets
	// Comments returns the texts of the ticket's comments as the system
	// holds them, oldest first. It is nil for a system that keeps no
	// comments of its own (builtin: the incident page is the ticket, its
	// timeline the comments); the comment rules then check only that
	// Comment succeeds.
	Comments func(ctx context.Context, t incident.TicketRef) ([]string, error)
	// Done reports whether the system holds the ticket as done; nil for a
	// system whose ticket closes with the incident (builtin).
	Done func(ctx context.Context, t incident.TicketRef) (bool, error)
	// Misconfigured is the same system configured with a move to done
	// that does not exist, and Moves the names of the moves that do; nil
	// for a system without a configurable move.
	Misconfigured incident.Tickets
	Moves         []string
}

// Run runs every rule as a subtest, each against a Backend from
// newBackend. Incident keys are unique within one Run.
func Run(t *testing.T, newBackend func(t *testing.T) Backend) {
	s := &suite{newBackend: newBackend}
	t.Run("OpenTicket", s.openTicket)
	t.Run("Comment", s.comment)
	t.Run("CloseTicket", s.closeTicket)
}

type suite struct {
	newBackend func(t *testing.T) Backend
	n          atomic.Int64
}

// incident returns a fresh incident for the running subtest.
func (s *suite) incident(t *testing.T) *incident.Incident {
	n := s.n.Add(1)
	return &incident.Incident{ID: n, Key: fmt.Sprintf("TT-%d", n), Title: "tickettest " + t.Name(),
		Summary: "p99 latency over 2s", Severity: incident.SeverityHigh, Status: incident.StatusOpen,
		Source: "tickettest", Labels: map[string]string{"service": "checkout"}}
}

// open opens a fresh incident's ticket, failing the test on error.
func (s *suite) open(t *testing.T, b Backend) incident.TicketRef {
	t.Helper()
	inc := s.incident(t)
	ref, err := b.Tickets.OpenTicket(context.Background(), inc)
	if err != nil {
		t.Fatalf("OpenTicket(%s): %v", inc.Key, err)
	}
	return ref
}

func (s *suite) openTicket(t *testing.T) {
	ctx := context.Background()
	t.Run("NamesTheBackendOfItsTickets", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		if b.Tickets.Backend() == "" || ref.Backend != b.Tickets.Backend() || ref.Key == "" {
			t.Errorf("OpenTicket gave %+v; Backend() is %q: want the same backend and a key", ref, b.Tickets.Backend())
		}
	})
	t.Run("SameIncidentReturnsTheSameTicket", func(t *testing.T) {
		b := s.newBackend(t)
		inc := s.incident(t)
		first, err := b.Tickets.OpenTicket(ctx, inc)
		if err != nil {
			t.Fatal(err)
		}
		// A job that crashed before recording the ticket, maybe in a new process.
		for _, again := range []incident.Tickets{b.Tickets, s.newBackend(t).Tickets} {
			if ref, err := again.OpenTicket(ctx, inc); err != nil || ref != first {
				t.Errorf("a repeated OpenTicket gave %+v (%v), want the first ticket %+v", ref, err, first)
			}
		}
	})
	t.Run("AnotherIncidentGetsAnotherTicket", func(t *testing.T) {
		b := s.newBackend(t)
		if a, c := s.open(t, b), s.open(t, b); a.Key == c.Key {
			t.Errorf("two incidents share ticket %s", a.Key)
		}
	})
}

func (s *suite) comment(t *testing.T) {
	ctx := context.Background()
	t.Run("AddsTheComment", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		if err := b.Tickets.Comment(ctx, ref, incident.TicketComment{Key: ref.Key + "/c/1", Text: "acked by alice"}); err != nil {
			t.Fatal(err)
		}
		if n := s.commentsWith(t, b, ref, "acked by alice"); n >= 0 && n != 1 {
			t.Errorf("the ticket holds %d comments with the text, want 1", n)
		}
	})
	t.Run("RetryWithTheSameKeyAddsItOnce", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		c := incident.TicketComment{Key: ref.Key + "/c/once", Text: "severity high"}
		if err := b.Tickets.Comment(ctx, ref, c); err != nil {
			t.Fatal(err)
		}
		c.Retry = true
		for range 2 {
			if err := s.newBackend(t).Tickets.Comment(ctx, ref, c); err != nil {
				t.Fatalf("a retried Comment: %v", err)
			}
		}
		if n := s.commentsWith(t, b, ref, "severity high"); n >= 0 && n != 1 {
			t.Errorf("the ticket holds %d copies of a retried comment, want 1", n)
		}
	})
	t.Run("RetryOfACommentNeverAddedAddsIt", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		if err := b.Tickets.Comment(ctx, ref, incident.TicketComment{Key: ref.Key + "/c/lost", Text: "resolved", Retry: true}); err != nil {
			t.Fatal(err)
		}
		if n := s.commentsWith(t, b, ref, "resolved"); n >= 0 && n != 1 {
			t.Errorf("a retry whose first attempt added nothing left %d comments, want 1", n)
		}
	})
	t.Run("DifferentKeysAreDifferentComments", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		for _, key := range []string{"a", "b"} {
			if err := b.Tickets.Comment(ctx, ref, incident.TicketComment{Key: ref.Key + "/c/" + key, Text: "status: watching", Retry: true}); err != nil {
				t.Fatal(err)
			}
		}
		if n := s.commentsWith(t, b, ref, "status: watching"); n >= 0 && n != 2 {
			t.Errorf("two keys with the same text left %d comments, want 2", n)
		}
	})
}

// commentsWith counts the ticket's comments that contain text, or returns
// -1 (after logging why) for a system that keeps no comments.
func (s *suite) commentsWith(t *testing.T, b Backend, ref incident.TicketRef, text string) int {
	t.Helper()
	if b.Comments == nil {
		t.Logf("%s keeps no comments of its own: only that Comment succeeds is checked", b.Tickets.Backend())
		return -1
	}
	cs, err := b.Comments(context.Background(), ref)
	if err != nil {
		t.Fatalf("read back the comments of %s: %v", ref.Key, err)
	}
	n := 0
	for _, c := range cs {
		if strings.Contains(c, text) {
			n++
		}
	}
	return n
}

func (s *suite) closeTicket(t *testing.T) {
	ctx := context.Background()
	t.Run("MovesTheTicketToDone", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		if err := b.Tickets.CloseTicket(ctx, ref, "fixed by rollback"); err != nil {
			t.Fatal(err)
		}
		s.wantDone(t, b, ref)
	})
	t.Run("TicketAlreadyDoneIsNoError", func(t *testing.T) {
		b := s.newBackend(t)
		ref := s.open(t, b)
		for i := range 2 { // the job ran before, or someone closed it by hand
			if err := b.Tickets.CloseTicket(ctx, ref, "fixed"); err != nil {
				t.Fatalf("CloseTicket #%d: %v", i+1, err)
			}
		}
		s.wantDone(t, b, ref)
	})
	t.Run("MissingMoveIsPermanentAndListsTheMoves", func(t *testing.T) {
		b := s.newBackend(t)
		if b.Misconfigured == nil {
			t.Skipf("%s has no configurable move to done", b.Tickets.Backend())
		}
		ref := s.open(t, b)
		err := b.Misconfigured.CloseTicket(ctx, ref, "fixed")
		if incident.ErrorKind(err) != incident.KindPermanent {
			t.Fatalf("CloseTicket with a move that does not exist: %v (kind %q), want a permanent error", err, incident.ErrorKind(err))
		}
		for _, m := range b.Moves {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("the error %q does not list the move %q", err, m)
			}
		}
		if b.Done != nil {
			if done, derr := b.Done(ctx, ref); derr != nil || done {
				t.Errorf("the ticket is done (%v, %v) after a failed move", done, derr)
			}
		}
	})
}

func (s *suite) wantDone(t *testing.T, b Backend, ref incident.TicketRef) {
	t.Helper()
	if b.Done == nil {
		t.Logf("%s closes its ticket with the incident: only that CloseTicket succeeds is checked", b.Tickets.Backend())
		return
	}
	if done, err := b.Done(context.Background(), ref); err != nil || !done {
		t.Errorf("%s is not done (%v) after CloseTicket", ref.Key, err)
	}
}
