package mattermost

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Where Mattermost calls warroom.
const (
	CommandPath = "/chat/mattermost/command"
	ActionPath  = "/chat/mattermost/action"
)

// Commands runs chat commands: the shared handlers of the incident Service.
type Commands interface {
	RunCommand(ctx context.Context, req incident.CommandRequest) (incident.Reply, error)
}

// commandResponse is the JSON a slash command answers with.
type commandResponse struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// HandleCommand serves the /incident slash command: it checks the command
// token (the Authorization header "Token <t>" or the form field), runs the
// command and answers ephemerally or in the channel.
func (b *Backend) HandleCommand(cmds Commands) func(ctx context.Context, r *http.Request, body []byte) (any, error) {
	return func(ctx context.Context, r *http.Request, body []byte) (any, error) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "slash command body is not a form: %v", err)
		}
		token := form.Get("token")
		if scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Token") {
			token = t
		}
		// An empty command token refuses everything: the check is never skipped.
		if b.cfg.CommandToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(b.cfg.CommandToken)) != 1 {
			return nil, incident.Errorf(incident.KindUnauthorized,
				"wrong slash command token: set chat.mattermost.command_token to the token Mattermost shows for the /incident command")
		}
		if form.Get("channel_id") == "" || form.Get("user_name") == "" {
			return nil, incident.Errorf(incident.KindInvalid, "slash command without channel_id or user_name")
		}
		reply, err := cmds.RunCommand(ctx, incident.CommandRequest{Backend: Name, ChannelID: form.Get("channel_id"),
			Actor: form.Get("user_name"), Text: form.Get("text")})
		if err != nil {
			return nil, err
		}
		kind := "ephemeral"
		if reply.Public {
			kind = "in_channel"
		}
		return commandResponse{ResponseType: kind, Text: reply.Text}, nil
	}
}

// actionRequest is what Mattermost POSTs when a button is clicked.
type actionRequest struct {
	UserID    string         `json:"user_id"`
	UserName  string         `json:"user_name"`
	ChannelID string         `json:"channel_id"`
	PostID    string         `json:"post_id"`
	Context   map[string]any `json:"context"`
}

// actionResponse shows the clicking user a line only they see.
type actionResponse struct {
	EphemeralText string `json:"ephemeral_text"`
}

// HandleAction serves button clicks. Mattermost does not sign them, so the
// context of each button carries warroom's HMAC over the action and the
// channel; anything without a valid one is refused with 401.
func (b *Backend) HandleAction(cmds Commands) func(ctx context.Context, r *http.Request, body []byte) (any, error) {
	return func(ctx context.Context, r *http.Request, body []byte) (any, error) {
		var req actionRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, incident.Errorf(incident.KindInvalid, "button callback is not JSON: %v", err)
		}
		action, _ := req.Context["action"].(string)
		channel, _ := req.Context["channel_id"].(string)
		sig, _ := req.Context["sig"].(string)
		if action == "" || channel != req.ChannelID || !b.signer.verify(action, channel, sig) {
			return nil, incident.Errorf(incident.KindUnauthorized, "button callback not signed by warroom for this channel")
		}
		actor := req.UserName
		if actor == "" && req.UserID != "" {
			name, err := b.username(ctx, req.UserID)
			if err != nil {
				return nil, err
			}
			actor = name
		}
		if actor == "" {
			return nil, incident.Errorf(incident.KindInvalid, "button callback without user_id or user_name: warroom acts for nobody")
		}
		reply, err := cmds.RunCommand(ctx, incident.CommandRequest{Backend: Name, ChannelID: req.ChannelID, Actor: actor, Text: action})
		if err != nil {
			return nil, err
		}
		return actionResponse{EphemeralText: reply.Text}, nil
	}
}
