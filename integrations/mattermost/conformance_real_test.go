package mattermost

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"testing"

	"github.com/warroom/warroom/archive/archivetest"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/chattest"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// TestChatConformanceRealMattermost runs the incident.Chat rules against a
// real Mattermost 9.9, reading back through its REST API as the admin.
func TestChatConformanceRealMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	chattest.Run(t, func(t *testing.T) chattest.Backend {
		b, err := New(Config{URL: mm.URL, Token: mm.BotToken, Team: mm.TeamName, PublicURL: "http://warroom.test"},
			slog.New(slog.DiscardHandler), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := mmReader{t: t, mm: mm}
		return chattest.Backend{Chat: b, Messages: r.messages, Header: r.header, Members: r.members,
			Person: mm.User.Username, Stranger: "nobody-here", Direct: r.direct}
	})
}

// TestArchiveChatConformanceRealMattermost runs the archive.Chat rules
// against a real Mattermost 9.9, archiving and deleting channels for good.
func TestArchiveChatConformanceRealMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	for _, mode := range []string{DeleteArchive, DeletePermanent} {
		t.Run(mode, func(t *testing.T) {
			archivetest.RunChat(t, func(t *testing.T) archivetest.ChatBackend {
				b, err := New(Config{URL: mm.URL, Token: mm.BotToken, Team: mm.TeamName, Delete: mode, Invite: []string{mm.User.Username}},
					slog.New(slog.DiscardHandler), nil)
				if err != nil {
					t.Fatal(err)
				}
				return archivetest.ChatBackend{Chat: b, Archive: b,
					Say: func(_ context.Context, ch incident.ChannelRef, text string) (string, error) {
						var p struct {
							ID string `json:"id"`
						}
						if code := mm.Do(t, mm.User.Token, http.MethodPost, "/api/v4/posts", map[string]string{"channel_id": ch.ID, "message": text}, &p); code != http.StatusCreated {
							return "", fmt.Errorf("alice posts in %s: %d", ch.Name, code)
						}
						return p.ID, nil
					}}
			})
		})
	}
}

// mmReader reads what the server holds, as the admin.
type mmReader struct {
	t  *testing.T
	mm *mmtest.Server
}

func (r mmReader) get(path string, out any) error {
	if code := r.mm.Do(r.t, r.mm.AdminToken, http.MethodGet, path, nil, out); code != http.StatusOK {
		return fmt.Errorf("GET %s: %d", path, code)
	}
	return nil
}

func (r mmReader) messages(_ context.Context, ch incident.ChannelRef) ([]chattest.Message, error) {
	var list struct {
		Order []string `json:"order"`
		Posts map[string]struct {
			ID       string `json:"id"`
			Message  string `json:"message"`
			Type     string `json:"type"`
			IsPinned bool   `json:"is_pinned"`
			Metadata struct {
				Files []struct {
					Name string `json:"name"`
				} `json:"files"`
			} `json:"metadata"`
		} `json:"posts"`
	}
	if err := r.get("/api/v4/channels/"+ch.ID+"/posts?per_page=200", &list); err != nil {
		return nil, err
	}
	var out []chattest.Message
	for _, id := range slices.Backward(list.Order) {
		p := list.Posts[id]
		m := chattest.Message{ID: p.ID, Text: p.Message, System: p.Type != "", Pinned: p.IsPinned}
		for _, f := range p.Metadata.Files {
			m.Files = append(m.Files, f.Name)
		}
		out = append(out, m)
	}
	return out, nil
}

func (r mmReader) header(_ context.Context, ch incident.ChannelRef) (string, error) {
	var c struct {
		Header string `json:"header"`
	}
	err := r.get("/api/v4/channels/"+ch.ID, &c)
	return c.Header, err
}

func (r mmReader) members(_ context.Context, ch incident.ChannelRef) ([]string, error) {
	var users []struct {
		Username string `json:"username"`
	}
	if err := r.get("/api/v4/users?per_page=200&in_channel="+ch.ID, &users); err != nil {
		return nil, err
	}
	var out []string
	for _, u := range users {
		out = append(out, u.Username)
	}
	return out, nil
}

// direct reads the direct channel between the bot and username.
func (r mmReader) direct(ctx context.Context, username string) ([]chattest.Message, error) {
	var u struct {
		ID string `json:"id"`
	}
	if err := r.get("/api/v4/users/username/"+username, &u); err != nil {
		return nil, err
	}
	var ch struct {
		ID string `json:"id"`
	}
	// POST channels/direct returns the existing direct channel of the two.
	if code := r.mm.Do(r.t, r.mm.AdminToken, http.MethodPost, "/api/v4/channels/direct", []string{r.mm.BotUserID, u.ID}, &ch); code/100 != 2 {
		return nil, fmt.Errorf("find the direct channel of the bot and @%s: %d", username, code)
	}
	return r.messages(ctx, incident.ChannelRef{ID: ch.ID, Name: "@" + username})
}
