package main

import (
	"context"
	"net/http"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/builtin"
	"github.com/warroom/warroom/integrations/mattermost"
	"github.com/warroom/warroom/integrations/rocketchat"
	"github.com/warroom/warroom/web"
)

// chatWiring is the chat backend chosen by chat.backend, with what the rest
// of warroom needs from it.
type chatWiring struct {
	chat interface {
		incident.Chat
		incident.DirectMessenger
		archive.Chat
	}
	rooms    web.BuiltinChat // builtin channel pages, nil for outside backends
	pinEmoji string
	hooks    func(svc *incident.Service) []web.Callback
	watch    func(ctx context.Context, svc *incident.Service, kick func())
}

// chatBackend builds the configured chat backend. local is the builtin one.
func (m *Main) chatBackend(local *builtin.Backend) (chatWiring, error) {
	cfg := m.cfg
	switch cfg.Chat.Backend {
	case "mattermost":
		mc := cfg.Chat.Mattermost
		mc.PublicURL = cfg.PublicURL
		mm, err := mattermost.New(mc, m.log.With("chat", "mattermost"), &http.Client{Timeout: 30 * time.Second})
		if err != nil {
			return chatWiring{}, err
		}
		return chatWiring{chat: mm, pinEmoji: mm.PinEmoji(),
			hooks: func(svc *incident.Service) []web.Callback {
				return []web.Callback{
					{Path: mattermost.CommandPath, Source: "mattermost-command", Handle: mm.HandleCommand(svc)},
					{Path: mattermost.ActionPath, Source: "mattermost-action", Handle: mm.HandleAction(svc)},
				}
			},
			watch: func(ctx context.Context, svc *incident.Service, kick func()) { mm.Watch(ctx, svc, kick) },
		}, nil
	case "rocketchat":
		rc := cfg.Chat.RocketChat
		rc.PublicURL = cfg.PublicURL
		rb, err := rocketchat.New(rc, m.log.With("chat", "rocketchat"), &http.Client{Timeout: 60 * time.Second})
		if err != nil {
			return chatWiring{}, err
		}
		return chatWiring{chat: rb, pinEmoji: rb.PinEmoji(),
			hooks: func(svc *incident.Service) []web.Callback {
				return []web.Callback{{Path: rocketchat.WebhookPath, Source: "rocketchat", Handle: rb.HandleWebhook(svc)}}
			},
			watch: func(ctx context.Context, svc *incident.Service, kick func()) {
				rb.Watch(ctx, svc, rc.PinPoll, kick)
			},
		}, nil
	}
	return chatWiring{chat: local, rooms: builtinRooms{local}, hooks: func(*incident.Service) []web.Callback { return nil }}, nil
}
