package rocketchat

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// Pinner puts pinned messages on the timeline and names the live rooms.
type Pinner interface {
	Pin(ctx context.Context, backend, channelID, actor string, m incident.PinnedMessage) (*incident.Incident, error)
	ActiveChannels(ctx context.Context, backend string) ([]incident.ChannelRef, error)
}

// recentForPins is how many of the newest messages of each room are
// checked for the pin reaction on every round.
const recentForPins = 100

// Watch polls the live incident rooms for messages with the pin reaction
// (the outgoing integration does not carry reactions) until ctx ends. Pins
// made while warroom was away are also picked up from the history when the
// transcript is built.
func (b *Backend) Watch(ctx context.Context, pins Pinner, every time.Duration, kick func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rooms, err := pins.ActiveChannels(ctx, Name)
		if err != nil {
			b.log.Warn("list live rooms for pins", "err", err)
			continue
		}
		for _, ch := range rooms {
			if err := b.pinsIn(ctx, ch, pins); err != nil && ctx.Err() == nil {
				b.log.Warn("read pins; the archive will pick them up", "room", ch.Name, "err", err)
			} else if kick != nil {
				kick()
			}
		}
	}
}

func (b *Backend) pinsIn(ctx context.Context, ch incident.ChannelRef, pins Pinner) error {
	var page struct {
		Messages []message `json:"messages"`
	}
	q := url.Values{"roomId": {ch.ID}, "count": {strconv.Itoa(recentForPins)}, "offset": {"0"}, "sort": {`{"ts":-1}`}}
	if err := b.call(ctx, "read recent messages of "+ch.Name, http.MethodGet, "/api/v1/"+b.kind()+".messages", q, nil, &page); err != nil {
		return err
	}
	for _, m := range page.Messages {
		r, ok := m.Reactions[":"+b.cfg.PinEmoji+":"]
		if !ok || len(r.Usernames) == 0 || m.T != "" {
			continue
		}
		_, err := pins.Pin(ctx, Name, ch.ID, r.Usernames[0], incident.PinnedMessage{ID: m.ID, Author: m.U.Username,
			Text: strings.TrimSpace(m.Msg), At: m.TS.Time})
		if err != nil && incident.ErrorKind(err) != incident.KindConflict && incident.ErrorKind(err) != incident.KindNotFound {
			return err
		}
	}
	return nil
}
