package rocketchat

import (
	"context"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// DirectMessage writes to one person in a direct room with the bot. For
// its buttons to work, the outgoing integration must also listen to direct
// messages (all_direct_messages).
func (b *Backend) DirectMessage(ctx context.Context, username string, p incident.Post) (string, error) {
	username = strings.TrimPrefix(username, "@")
	var out struct {
		Room struct {
			RID string `json:"rid"`
			ID  string `json:"_id"`
		} `json:"room"`
	}
	if err := b.call(ctx, "open a direct room with @"+username, http.MethodPost, "/api/v1/im.create", nil,
		map[string]any{"username": username}, &out); err != nil {
		return "", err
	}
	rid := out.Room.RID
	if rid == "" {
		rid = out.Room.ID
	}
	return b.Post(ctx, incident.ChannelRef{Backend: Name, ID: rid, Name: "@" + username}, p)
}
