package rocketchat

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/warroom/warroom/incident"
)

// WebhookPath is where the outgoing-webhook integration posts.
const WebhookPath = "/chat/rocketchat/webhook"

// Commands runs chat commands: the shared handlers of the incident Service.
type Commands interface {
	RunCommand(ctx context.Context, req incident.CommandRequest) (incident.Reply, error)
}

// outgoing is the outgoing integration's request body.
type outgoing struct {
	Token       string `json:"token"`
	Bot         bool   `json:"bot"`
	TriggerWord string `json:"trigger_word"`
	ChannelID   string `json:"channel_id"`
	MessageID   string `json:"message_id"`
	UserID      string `json:"user_id"`
	UserName    string `json:"user_name"`
	Text        string `json:"text"`
}

// reply is the answer the integration posts into the room.
type reply struct {
	Text string `json:"text,omitempty"`
}

// HandleWebhook serves the outgoing integration: it checks its token, takes
// messages that start with the trigger (typed, or put there by a button),
// runs them as /incident commands, and answers in the JSON reply form.
func (b *Backend) HandleWebhook(cmds Commands) func(ctx context.Context, r *http.Request, body []byte) (any, error) {
	return func(ctx context.Context, r *http.Request, body []byte) (any, error) {
		var in outgoing
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "body is not an outgoing webhook: %v", err)
		}
		// An empty webhook token refuses everything: the check is never skipped.
		if b.cfg.WebhookToken == "" || subtle.ConstantTimeCompare([]byte(in.Token), []byte(b.cfg.WebhookToken)) != 1 {
			return nil, incident.Errorf(incident.KindUnauthorized,
				"wrong outgoing webhook token: set chat.rocketchat.webhook_token to the integration's token")
		}
		if in.Bot || in.UserID == b.cfg.UserID {
			return reply{}, nil // warroom's own messages, and other bots
		}
		text := strings.TrimSpace(in.Text)
		rest, ok := strings.CutPrefix(text, b.cfg.Trigger)
		if !ok || (rest != "" && rest[0] != ' ') {
			return reply{}, nil
		}
		if in.ChannelID == "" || in.UserName == "" {
			return nil, incident.Errorf(incident.KindInvalid, "outgoing webhook without channel_id or user_name")
		}
		rep, err := cmds.RunCommand(ctx, incident.CommandRequest{Backend: Name, ChannelID: in.ChannelID, Actor: in.UserName,
			Text: strings.TrimSpace(rest)})
		if err != nil {
			return nil, err
		}
		return reply{Text: rep.Text}, nil
	}
}
