package builtin

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/incident"
)

// DirectMessage writes to one person: in the builtin chat, a channel
// "dm-<username>" that lists that person's pages.
func (b *Backend) DirectMessage(ctx context.Context, username string, p incident.Post) (string, error) {
	username = strings.ToLower(strings.TrimPrefix(username, "@"))
	if username == "" {
		return "", incident.Errorf(incident.KindInvalid, "direct message to nobody")
	}
	ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "dm:" + username, Name: "dm-" + username,
		DisplayName: "Pages for @" + username, Purpose: "warroom pages @" + username + " here", Invite: []string{username}})
	if err != nil {
		return "", fmt.Errorf("open the direct channel of @%s: %w", username, err)
	}
	return b.Post(ctx, ch, p)
}
