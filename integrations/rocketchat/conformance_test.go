package rocketchat

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/warroom/warroom/archive/archivetest"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/chattest"
	"github.com/warroom/warroom/integrations/rocketchat/rctest"
)

// TestChatConformance runs the incident.Chat rules against the Rocket.Chat
// backend on the rctest fake, reading back through the fake's inspection.
func TestChatConformance(t *testing.T) {
	for _, private := range []bool{false, true} {
		name := map[bool]string{false: "channels", true: "groups"}[private]
		t.Run(name, func(t *testing.T) {
			rc := rctest.New(t, rctest.Options{})
			chattest.Run(t, func(t *testing.T) chattest.Backend {
				return chattest.Backend{
					Chat: newBackend(t, rc, private),
					Messages: func(_ context.Context, ch incident.ChannelRef) ([]chattest.Message, error) {
						return rcMessages(rc, ch.ID), nil
					},
					Header: func(_ context.Context, ch incident.ChannelRef) (string, error) {
						return rc.Room(ch.ID).Topic, nil
					},
					Announcement: func(_ context.Context, ch incident.ChannelRef) (string, error) {
						return rc.Room(ch.ID).Announcement, nil
					},
					Members: func(_ context.Context, ch incident.ChannelRef) ([]string, error) {
						return rc.Room(ch.ID).Members, nil
					},
					Person:   "alice",
					Stranger: "nobody-here",
					Direct: func(_ context.Context, username string) ([]chattest.Message, error) {
						for _, r := range rc.Rooms() {
							if r.Type == "d" && !r.Deleted && slices.Contains(r.Members, username) {
								return rcMessages(rc, r.ID), nil
							}
						}
						return nil, nil
					},
				}
			})
		})
	}
}

// rcMessages reads a room's messages as the fake holds them.
func rcMessages(rc *rctest.Server, roomID string) []chattest.Message {
	var out []chattest.Message
	for _, m := range rc.Messages(roomID) {
		cm := chattest.Message{ID: m.ID, Text: m.Text, System: m.Type != "", Pinned: m.Pinned}
		for _, f := range m.Files {
			cm.Files = append(cm.Files, f.Name)
		}
		out = append(out, cm)
	}
	return out
}

// TestArchiveChatConformance runs the archive.Chat rules against the
// Rocket.Chat backend on the rctest fake, archiving and deleting rooms.
func TestArchiveChatConformance(t *testing.T) {
	for _, mode := range []string{DeleteArchive, DeletePermanent} {
		t.Run(mode, func(t *testing.T) {
			rc := rctest.New(t, rctest.Options{})
			archivetest.RunChat(t, func(t *testing.T) archivetest.ChatBackend {
				bot := rc.Bot()
				b, err := New(Config{URL: rc.URL(), UserID: bot.ID, Token: bot.Token, Delete: mode}, slog.New(slog.DiscardHandler), nil)
				if err != nil {
					t.Fatal(err)
				}
				return archivetest.ChatBackend{Chat: b, Archive: b,
					Say: func(_ context.Context, ch incident.ChannelRef, text string) (string, error) {
						return rc.PostAsUser("alice", ch.ID, text, ""), nil
					}}
			})
		})
	}
}
