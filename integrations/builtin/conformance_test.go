package builtin_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/archive/archivetest"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/chattest"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/incident/tickettest"
	"github.com/warroom/warroom/integrations/builtin"
)

// newBuiltin opens a fresh database and the builtin backend on it; every
// call with the same db is the same server, as after a restart.
func newBuiltin(t *testing.T, db *sqlite.DB) *builtin.Backend {
	t.Helper()
	return builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
}

// openDB opens a fresh warroom database for one test.
func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestChatConformance runs the incident.Chat rules against the builtin
// backend, reading back through its own tables (the builtin "server").
func TestChatConformance(t *testing.T) {
	db := openDB(t)
	server := newBuiltin(t, db)
	chattest.Run(t, func(t *testing.T) chattest.Backend {
		return chattest.Backend{
			Chat: newBuiltin(t, db),
			Messages: func(ctx context.Context, ch incident.ChannelRef) ([]chattest.Message, error) {
				return builtinMessages(ctx, server, ch.ID)
			},
			Header: func(ctx context.Context, ch incident.ChannelRef) (string, error) {
				c, err := server.Channel(ctx, ch.ID)
				return c.Header, err
			},
			Members: func(ctx context.Context, ch incident.ChannelRef) ([]string, error) {
				c, err := server.Channel(ctx, ch.ID)
				return c.Members, err
			},
			Person:   "alice",
			Stranger: "not a user name",
			Direct: func(ctx context.Context, username string) ([]chattest.Message, error) {
				chs, err := server.Channels(ctx)
				if err != nil {
					return nil, err
				}
				for _, c := range chs {
					if c.IncidentKey == "dm:"+username {
						return builtinMessages(ctx, server, c.ID)
					}
				}
				return nil, nil
			},
		}
	})
}

// builtinMessages reads a channel's messages as the web UI shows them.
func builtinMessages(ctx context.Context, b *builtin.Backend, channelID string) ([]chattest.Message, error) {
	ms, err := b.Messages(ctx, channelID, 0, 1<<20)
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

// TestTicketsConformance runs the incident.Tickets rules against the
// builtin ticket system, which keeps no comments and no status of its own
// (the incident page is the ticket).
func TestTicketsConformance(t *testing.T) {
	db := openDB(t)
	tickettest.Run(t, func(t *testing.T) tickettest.Backend {
		return tickettest.Backend{Tickets: newBuiltin(t, db)}
	})
}

// TestArchiveConformance runs the archive.Chat and archive.Tickets rules
// against the builtin backend.
func TestArchiveConformance(t *testing.T) {
	db := openDB(t)
	t.Run("Chat", func(t *testing.T) {
		archivetest.RunChat(t, func(t *testing.T) archivetest.ChatBackend {
			b := newBuiltin(t, db)
			return archivetest.ChatBackend{Chat: b, Archive: b,
				Say: func(ctx context.Context, ch incident.ChannelRef, text string) (string, error) {
					m, err := b.Say(ctx, ch.ID, "alice", text, "")
					return m.ID, err
				}}
		})
	})
	t.Run("Tickets", func(t *testing.T) {
		archivetest.RunTickets(t, func(t *testing.T) archivetest.TicketsBackend {
			b := newBuiltin(t, db)
			return archivetest.TicketsBackend{Tickets: b, Archive: b}
		})
	})
}
