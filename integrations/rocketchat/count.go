package rocketchat

import (
	"context"
	"net/http"
	"net/url"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// countBasis says what the room's msgs counts, as the contract's fake
// keeps it: the room's messages, thread replies included, system messages
// not.
const countBasis = "Rocket.Chat room msgs: messages including thread replies, not system messages"

// Count sets the room's msgs (rooms.info) against a walk and looks for
// messages newer than the walk's newest.
func (b *Backend) Count(ctx context.Context, ch incident.ChannelRef, t archive.Tally) (archive.Count, error) {
	c := archive.Count{Accounted: t.Counted, Basis: countBasis}
	var info struct {
		Room struct {
			Msgs int `json:"msgs"`
		} `json:"room"`
	}
	if err := b.call(ctx, "read the message count of "+ch.Name, http.MethodGet, "/api/v1/rooms.info", url.Values{"roomId": {ch.ID}}, nil, &info); err != nil {
		return c, err
	}
	c.Server = info.Room.Msgs
	if t.LastID != "" {
		later, err := b.historyPage(ctx, ch, url.Values{"oldest": {t.LastAt.Format(isoMillis)}})
		if err != nil {
			return c, err
		}
		c.Newer = len(later)
	}
	return c, nil
}
