package mattermost

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/incident"
)

// keyProp is the post prop that carries warroom's idempotency key, so that a
// retried job finds the post an earlier attempt made.
const keyProp = "warroom_key"

// pinProp marks a post warroom means to pin.
const pinProp = "warroom_pin"

// recentForRetry is how far back a retried post looks for its first copy.
const recentForRetry = 200

var severityColors = map[incident.Severity]string{
	incident.SeverityCritical: "#C62828",
	incident.SeverityHigh:     "#EF6C00",
	incident.SeverityWarning:  "#C49A00",
	incident.SeverityInfo:     "#1E6FBF",
}

// Post writes or edits a message; see incident.Chat.
func (b *Backend) Post(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	if p.EditID != "" {
		return b.edit(ctx, ch, p)
	}
	if p.Retry {
		if id, err := b.findByKey(ctx, ch, p.Key); err != nil || id != "" {
			return id, err
		}
	}
	post := &model.Post{ChannelId: ch.ID, Message: truncateRunes(p.Text, model.PostMessageMaxRunesV2)}
	post.AddProp(keyProp, p.Key)
	if p.Pin {
		post.AddProp(pinProp, true) // a retry finishes the pinning
	}
	if p.Card != nil {
		post.AddProp(model.PostPropsAttachments, []*model.MessageAttachment{b.attachment(ch, p.Card)})
	}
	for _, f := range p.Files {
		up, resp, err := b.client.UploadFile(ctx, f.Data, ch.ID, f.Name)
		if err != nil {
			return "", classify("upload "+f.Name+" to "+ch.Name, resp, err)
		}
		for _, fi := range up.FileInfos {
			post.FileIds = append(post.FileIds, fi.Id)
		}
	}
	created, resp, err := b.client.CreatePost(ctx, post)
	if err != nil {
		return "", classify("post in "+ch.Name, resp, err)
	}
	if p.Pin {
		if resp, err := b.client.PinPost(ctx, created.Id); err != nil {
			return "", classify("pin post in "+ch.Name, resp, err)
		}
	}
	return created.Id, nil
}

// findByKey returns the ID of a recent post carrying key, or "".
func (b *Backend) findByKey(ctx context.Context, ch incident.ChannelRef, key string) (string, error) {
	list, resp, err := b.client.GetPostsForChannel(ctx, ch.ID, 0, recentForRetry, "", false, false)
	if err != nil {
		return "", classify("read recent posts of "+ch.Name, resp, err)
	}
	for _, id := range list.Order {
		if p := list.Posts[id]; p != nil && p.GetProp(keyProp) == key {
			if pinned, _ := p.GetProp(pinProp).(bool); pinned && !p.IsPinned {
				if resp, err := b.client.PinPost(ctx, p.Id); err != nil {
					return "", classify("pin post in "+ch.Name, resp, err)
				}
			}
			return id, nil
		}
	}
	return "", nil
}

// attachment renders a Card as a message attachment coloured by severity,
// with buttons whose signed context names the action and the channel.
func (b *Backend) attachment(ch incident.ChannelRef, c *incident.Card) *model.MessageAttachment {
	a := &model.MessageAttachment{Fallback: c.Title, Color: severityColors[c.Severity], Title: c.Title, TitleLink: c.TitleURL, Text: c.Text}
	for _, f := range c.Fields {
		a.Fields = append(a.Fields, &model.MessageAttachmentField{Title: f.Title, Value: f.Value, Short: model.SlackCompatibleBool(f.Short)})
	}
	for _, act := range c.Actions {
		style := "default"
		switch act.ID {
		case "ack":
			style = "primary"
		case "close":
			style = "danger"
		}
		a.Actions = append(a.Actions, &model.PostAction{Id: act.ID, Type: model.PostActionTypeButton, Name: act.Label, Style: style,
			Integration: &model.PostActionIntegration{URL: b.cfg.PublicURL + ActionPath, Context: map[string]any{
				"action": act.Command, "channel_id": ch.ID, "sig": b.signer.sign(act.Command, ch.ID)}}})
	}
	return a
}

// edit changes a post's message and, when p has a card, its attachment
// (the card's buttons), keeping the post's other props (warroom's key, the
// pin mark): a patch replaces the props whole, so they are read first.
func (b *Backend) edit(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	msg := truncateRunes(p.Text, model.PostMessageMaxRunesV2)
	patch := &model.PostPatch{Message: &msg}
	if p.Card != nil {
		old, resp, err := b.client.GetPost(ctx, p.EditID, "")
		if err != nil {
			return "", classify("read post to edit in "+ch.Name, resp, err)
		}
		props := old.GetProps()
		if props == nil {
			props = model.StringInterface{}
		}
		props[model.PostPropsAttachments] = []*model.MessageAttachment{b.attachment(ch, p.Card)}
		patch.Props = &props
	}
	if _, resp, err := b.client.PatchPost(ctx, p.EditID, patch); err != nil {
		return "", classify("edit post in "+ch.Name, resp, err)
	}
	return p.EditID, nil
}
