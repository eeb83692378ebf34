package mattermost

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/incident"
)

// Pinner puts a pinned message on its incident's timeline.
type Pinner interface {
	Pin(ctx context.Context, backend, channelID, actor string, m incident.PinnedMessage) (*incident.Incident, error)
}

// Watch follows the bot's WebSocket until ctx ends, reconnecting with
// backoff, and pins to the timeline every message that gets the pin emoji.
// Pins made while warroom was away are picked up from the history when the
// transcript is built.
func (b *Backend) Watch(ctx context.Context, pins Pinner, kick func()) {
	delay := time.Second
	for ctx.Err() == nil {
		start := time.Now()
		err := b.watchOnce(ctx, pins, kick)
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			delay = time.Second
		}
		b.log.Warn("Mattermost WebSocket closed; reconnecting", "err", err, "in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, time.Minute)
	}
}

func (b *Backend) watchOnce(ctx context.Context, pins Pinner, kick func()) error {
	if _, _, err := b.ensure(ctx); err != nil {
		return err
	}
	wsURL := "ws" + strings.TrimPrefix(b.cfg.URL, "http")
	ws, err := model.NewWebSocketClient4(wsURL, b.cfg.Token)
	if err != nil {
		return err
	}
	ws.Listen()
	defer ws.Close()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-ws.EventChannel:
			if !ok {
				if ws.ListenError != nil {
					return ws.ListenError
				}
				return nil
			}
			if ev.EventType() == model.WebsocketEventReactionAdded {
				b.onReaction(ctx, ev, pins, kick)
			}
		case <-ws.PingTimeoutChannel:
			return errPingTimeout
		case <-ws.ResponseChannel:
		}
	}
}

type watchError string

func (e watchError) Error() string { return string(e) }

const errPingTimeout = watchError("ping timeout")

func (b *Backend) onReaction(ctx context.Context, ev *model.WebSocketEvent, pins Pinner, kick func()) {
	raw, _ := ev.GetData()["reaction"].(string)
	var r model.Reaction
	if err := json.Unmarshal([]byte(raw), &r); err != nil || r.EmojiName != b.cfg.PinEmoji {
		return
	}
	post, resp, err := b.client.GetPost(ctx, r.PostId, "")
	if err != nil {
		if statusOf(err, resp) != http.StatusNotFound {
			b.log.Warn("read pinned post", "post", r.PostId, "err", err)
		}
		return
	}
	author, err1 := b.username(ctx, post.UserId)
	actor, err2 := b.username(ctx, r.UserId)
	if err1 != nil || err2 != nil {
		b.log.Warn("resolve users of a pin; the archive will pick it up", "post", r.PostId)
		return
	}
	_, err = pins.Pin(ctx, Name, post.ChannelId, actor, incident.PinnedMessage{ID: post.Id, Author: author,
		Text: post.Message, At: time.UnixMilli(post.CreateAt).UTC()})
	switch incident.ErrorKind(err) {
	case incident.KindNotFound, incident.KindConflict:
		return // not an incident channel, or already archived
	}
	if err != nil {
		b.log.Warn("pin message to the timeline; the archive will pick it up", "post", r.PostId, "err", err)
		return
	}
	if kick != nil {
		kick()
	}
}
