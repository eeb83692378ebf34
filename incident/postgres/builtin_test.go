package postgres_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/archive/archivetest"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/chattest"
	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/incident/storetest"
	"github.com/warroom/warroom/incident/tickettest"
	"github.com/warroom/warroom/integrations/builtin"
)

// newBuiltin opens the builtin backend on a new store of the database at
// dsn: each call is another replica of one server.
func newBuiltin(t *testing.T, dsn string) *builtin.Backend {
	t.Helper()
	return builtin.New(openDSN(t, dsn, &storetest.Clock{}).Builtin(), "http://warroom.test", incident.SystemClock{})
}

// TestBuiltinChatConformance runs the incident.Chat rules against the
// builtin backend on PostgreSQL, each backend a replica of its own, read
// back through another.
func TestBuiltinChatConformance(t *testing.T) {
	dsn := pgtest.Database(t)
	server := newBuiltin(t, dsn)
	messages := func(ctx context.Context, channelID string) ([]chattest.Message, error) {
		ms, err := server.Messages(ctx, channelID, 0, 1<<20)
		if err != nil {
			return nil, err
		}
		out := make([]chattest.Message, 0, len(ms))
		for _, m := range ms {
			cm := chattest.Message{ID: m.ID, Text: m.Text, System: m.System, Pinned: m.Pinned}
			for _, f := range m.Files {
				cm.Files = append(cm.Files, f.Name)
			}
			out = append(out, cm)
		}
		return out, nil
	}
	chattest.Run(t, func(t *testing.T) chattest.Backend {
		return chattest.Backend{
			Chat: newBuiltin(t, dsn),
			Messages: func(ctx context.Context, ch incident.ChannelRef) ([]chattest.Message, error) {
				return messages(ctx, ch.ID)
			},
			Header: func(ctx context.Context, ch incident.ChannelRef) (string, error) {
				c, err := server.Channel(ctx, ch.ID)
				return c.Header, err
			},
			Members: func(ctx context.Context, ch incident.ChannelRef) ([]string, error) {
				c, err := server.Channel(ctx, ch.ID)
				return c.Members, err
			},
			Person: "alice", Stranger: "not a user name",
			Direct: func(ctx context.Context, username string) ([]chattest.Message, error) {
				chs, err := server.Channels(ctx)
				if err != nil {
					return nil, err
				}
				for _, c := range chs {
					if c.IncidentKey == "dm:"+username {
						return messages(ctx, c.ID)
					}
				}
				return nil, nil
			},
		}
	})
}

// TestBuiltinTicketsConformance runs the incident.Tickets rules against
// the builtin ticket system on PostgreSQL.
func TestBuiltinTicketsConformance(t *testing.T) {
	dsn := pgtest.Database(t)
	tickettest.Run(t, func(t *testing.T) tickettest.Backend {
		return tickettest.Backend{Tickets: newBuiltin(t, dsn)}
	})
}

// TestBuiltinArchiveConformance runs the archive.Chat and archive.Tickets
// rules against the builtin backend on PostgreSQL.
func TestBuiltinArchiveConformance(t *testing.T) {
	dsn := pgtest.Database(t)
	t.Run("Chat", func(t *testing.T) {
		archivetest.RunChat(t, func(t *testing.T) archivetest.ChatBackend {
			b := newBuiltin(t, dsn)
			return archivetest.ChatBackend{Chat: b, Archive: b,
				Say: func(ctx context.Context, ch incident.ChannelRef, text string) (string, error) {
					m, err := b.Say(ctx, ch.ID, "alice", text, "")
					return m.ID, err
				}}
		})
	})
	t.Run("Tickets", func(t *testing.T) {
		archivetest.RunTickets(t, func(t *testing.T) archivetest.TicketsBackend {
			b := newBuiltin(t, dsn)
			return archivetest.TicketsBackend{Tickets: b, Archive: b}
		})
	})
}

// TestBuiltinEditCard: an edit with a card replaces the card in place on
// PostgreSQL, read back through another replica; one without keeps it.
func TestBuiltinEditCard(t *testing.T) {
	dsn := pgtest.Database(t)
	ctx := context.Background()
	b, server := newBuiltin(t, dsn), newBuiltin(t, dsn)
	ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-1", Name: "inc-1"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := b.Post(ctx, ch, incident.Post{Key: "INC-1/welcome", Text: "welcome",
		Card: &incident.Card{Title: "INC-1 disk", Severity: incident.SeverityCritical, Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack"}}}})
	if err != nil {
		t.Fatal(err)
	}
	now := &incident.Card{Title: "INC-1 disk full", Severity: incident.SeverityWarning, Fields: []incident.Field{{Title: "Scribe", Value: "@alice", Short: true}}}
	for _, card := range []*incident.Card{now, nil} {
		if _, err := b.Post(ctx, ch, incident.Post{Key: "INC-1/sync", Text: "welcome, edited", Card: card, EditID: id}); err != nil {
			t.Fatal(err)
		}
		m, err := server.Message(ctx, ch.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Card == nil || m.Card.Title != now.Title || len(m.Card.Fields) != 1 || len(m.Card.Actions) != 0 || m.Text != "welcome, edited" {
			t.Errorf("after an edit with card %v: %q %+v, want the new card kept", card != nil, m.Text, m.Card)
		}
	}
}
