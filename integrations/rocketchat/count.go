package rocketchat

import (
	"context"
	"net/url"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// countBasis says what the room's msgs counts, as the contract's fake
// keeps it: the room's messages, thread replies included, system messages
// not.
const countBasis = "Rocket.Chat room msgs: messages including thread replies, not system messages"

// Count sets the room's msgs (channels.info) against a walk and looks for
// messages newer than the walk's newest. A room that is gone or archived
// is a KindNotFound error.
func (b *Backend) Count(ctx context.Context, ch incident.ChannelRef, t archive.Tally) (archive.Count, error) {
	c := archive.Count{Accounted: t.Counted, Basis: countBasis}
	r, err := b.roomInfo(ctx, url.Values{"roomId": {ch.ID}})
	if errorType(err) == "error-room-archived" || err == nil && (r == nil || r.Archived) {
		return c, incident.Errorf(incident.KindNotFound, "room %s is gone or archived: it can no longer change", ch.Name)
	}
	if err != nil {
		return c, err
	}
	c.Server = r.Msgs
	if t.LastID != "" {
		later, err := b.historyPage(ctx, ch, url.Values{"oldest": {t.LastAt.Format(isoMillis)}})
		if err != nil {
			return c, err
		}
		c.Newer = len(later)
	}
	return c, nil
}
