package mattermost

import (
	"context"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// DirectMessage writes to one person in a direct channel between the bot
// and them; its buttons carry signed commands like any card.
func (b *Backend) DirectMessage(ctx context.Context, username string, p incident.Post) (string, error) {
	_, botID, err := b.ensure(ctx)
	if err != nil {
		return "", err
	}
	username = strings.TrimPrefix(username, "@")
	u, resp, err := b.client.GetUserByUsername(ctx, username, "")
	if err != nil {
		if statusOf(err, resp) == http.StatusNotFound {
			return "", permanent("cannot page @%s: no such Mattermost user", username)
		}
		return "", classify("look up @"+username, resp, err)
	}
	ch, resp, err := b.client.CreateDirectChannel(ctx, botID, u.Id)
	if err != nil {
		return "", classify("open a direct channel with @"+username, resp, err)
	}
	return b.Post(ctx, incident.ChannelRef{Backend: Name, ID: ch.Id, Name: "@" + username}, p)
}
