package rocketchat

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"

	"github.com/warroom/warroom/incident"
)

// message is the part of Rocket.Chat's message object warroom reads.
type message struct {
	ID          string         `json:"_id"`
	RID         string         `json:"rid"`
	Msg         string         `json:"msg"`
	TS          rcTime         `json:"ts"`
	T           string         `json:"t"` // system message type; empty for people
	Tmid        string         `json:"tmid"`
	Tcount      int            `json:"tcount"`
	Pinned      bool           `json:"pinned"`
	Bot         any            `json:"bot"`
	EditedAt    *rcTime        `json:"editedAt"`
	U           user           `json:"u"`
	Attachments []attachment   `json:"attachments"`
	File        *fileRef       `json:"file"`
	Files       []fileRef      `json:"files"`
	Reactions   map[string]rxn `json:"reactions"`
}

type user struct {
	ID       string `json:"_id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

type rxn struct {
	Usernames []string `json:"usernames"`
}

type fileRef struct {
	ID   string `json:"_id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
	URL  string `json:"url"`
}

type attachment struct {
	Color     string   `json:"color,omitempty"`
	Title     string   `json:"title,omitempty"`
	TitleLink string   `json:"title_link,omitempty"`
	Text      string   `json:"text,omitempty"`
	Fields    []field  `json:"fields,omitempty"`
	Actions   []action `json:"actions,omitempty"`
}

type field struct {
	Short bool   `json:"short"`
	Title string `json:"title"`
	Value string `json:"value"`
}

// action is a legacy attachment button. It calls no webhook: it puts its
// msg in the chat, where the outgoing integration picks it up like any
// typed command.
type action struct {
	Type              string `json:"type"`
	Text              string `json:"text"`
	Msg               string `json:"msg"`
	MsgInChatWindow   bool   `json:"msg_in_chat_window"`
	MsgProcessingType string `json:"msg_processing_type"`
}

var severityColors = map[incident.Severity]string{
	incident.SeverityCritical: "#C62828",
	incident.SeverityHigh:     "#EF6C00",
	incident.SeverityWarning:  "#C49A00",
	incident.SeverityInfo:     "#1E6FBF",
}

// messageID derives a Rocket.Chat message id (17 characters of
// [A-Za-z0-9]) from warroom's idempotency key, so that a retried post can
// ask whether its message already exists.
func messageID(key string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte("warroom\x00" + key))
	out := make([]byte, 17)
	for i := range out {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

// Post writes or edits a message; see incident.Chat. An edit with a card
// may replace the message (editCard) and return the new one's id.
func (b *Backend) Post(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	if p.EditID != "" && p.Card != nil {
		return b.editCard(ctx, ch, p)
	}
	if p.EditID != "" {
		err := b.call(ctx, "edit a message in "+ch.Name, http.MethodPost, "/api/v1/chat.update", nil,
			map[string]any{"roomId": ch.ID, "msgId": p.EditID, "text": p.Text}, nil)
		return p.EditID, err
	}
	id := messageID(p.Key)
	exists := false
	if p.Retry {
		var err error
		if exists, err = b.messageExists(ctx, id); err != nil {
			return "", err
		}
	}
	if len(p.Files) > 0 {
		return b.postFiles(ctx, ch, p)
	}
	if !exists {
		msg := map[string]any{"_id": id, "rid": ch.ID, "msg": p.Text}
		if p.Card != nil {
			msg["attachments"] = []attachment{b.attachment(p.Card)}
		}
		if err := b.call(ctx, "post in "+ch.Name, http.MethodPost, "/api/v1/chat.sendMessage", nil, map[string]any{"message": msg}, nil); err != nil {
			return "", err
		}
	}
	if p.Pin {
		err := b.call(ctx, "pin a message in "+ch.Name, http.MethodPost, "/api/v1/chat.pinMessage", nil, map[string]any{"messageId": id}, nil)
		if err != nil && !(exists && status(err) == http.StatusBadRequest) {
			return "", err
		}
	}
	return id, nil
}

func (b *Backend) messageExists(ctx context.Context, id string) (bool, error) {
	err := b.call(ctx, "look for message "+id, http.MethodGet, "/api/v1/chat.getMessage", url.Values{"msgId": {id}}, nil, nil)
	if err == nil {
		return true, nil
	}
	if status(err) == http.StatusBadRequest || status(err) == http.StatusNotFound {
		return false, nil
	}
	return false, err
}

func (b *Backend) attachment(c *incident.Card) attachment {
	a := attachment{Color: severityColors[c.Severity], Title: c.Title, TitleLink: c.TitleURL, Text: c.Text}
	for _, f := range c.Fields {
		a.Fields = append(a.Fields, field{Short: f.Short, Title: f.Title, Value: f.Value})
	}
	for _, act := range c.Actions {
		a.Actions = append(a.Actions, action{Type: "button", Text: act.Label, Msg: b.cfg.Trigger + " " + act.Command,
			MsgInChatWindow: true, MsgProcessingType: "sendMessage"})
	}
	return a
}

// postFiles uploads each file; the first carries the text as its caption.
// Uploads cannot choose their message id, so a retried one looks for a
// message with the same caption and file name among the newest ones.
func (b *Backend) postFiles(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	first := ""
	for i, f := range p.Files {
		caption := ""
		if i == 0 {
			caption = p.Text
		}
		if p.Retry {
			if id, err := b.findUpload(ctx, ch, f.Name, caption); err != nil || id != "" {
				if err != nil {
					return "", err
				}
				if first == "" {
					first = id
				}
				continue
			}
		}
		id, err := b.upload(ctx, ch, f, caption, "")
		if err != nil {
			return "", err
		}
		if first == "" {
			first = id
		}
	}
	return first, nil
}

// findUpload returns the id of a recent message by the bot with that file
// and caption, or "".
func (b *Backend) findUpload(ctx context.Context, ch incident.ChannelRef, name, caption string) (string, error) {
	var page struct {
		Messages []message `json:"messages"`
	}
	q := url.Values{"roomId": {ch.ID}, "count": {"100"}, "offset": {"0"}, "sort": {`{"ts":-1}`}}
	if err := b.call(ctx, "read recent messages of "+ch.Name, http.MethodGet, "/api/v1/"+b.kind()+".messages", q, nil, &page); err != nil {
		return "", err
	}
	for _, m := range page.Messages {
		if m.U.ID != b.cfg.UserID || m.Msg != caption {
			continue
		}
		files := m.Files
		if m.File != nil {
			files = append(files, *m.File)
		}
		for _, f := range files {
			if f.Name == name {
				return m.ID, nil
			}
		}
	}
	return "", nil
}
