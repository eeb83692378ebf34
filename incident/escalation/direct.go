package escalation

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/incident"
)

// DirectMessage is the destination that writes the page to the person in
// the chat backend in use, with an Ack button. It is the domain's own
// destination: the chat backends (integrations/builtin, mattermost,
// rocketchat) implement the incident.DirectMessenger port it sends through.
type DirectMessage struct {
	Chat incident.DirectMessenger
}

// Name is "dm".
func (DirectMessage) Name() string { return "dm" }

// Page sends the direct message; its post key is the page's, so a retry
// finds the message an earlier attempt sent.
func (d DirectMessage) Page(ctx context.Context, p Page) error {
	inc := p.Incident
	_, err := d.Chat.DirectMessage(ctx, p.User, incident.Post{Key: p.Key + "/dm", Retry: true,
		Text: fmt.Sprintf("📟 You are paged for **%s**: %s (%s). Ack to stop the escalation.", inc.Key, inc.Title, p.Why),
		Card: &incident.Card{Title: inc.Key + " " + inc.Title, TitleURL: inc.Channel.URL, Severity: inc.Severity,
			Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack " + inc.Key}}}})
	return err
}
