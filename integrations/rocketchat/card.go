package rocketchat

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/warroom/warroom/incident"
)

// editCard brings a message with a card up to date. Rocket.Chat's
// chat.update takes the text only (its schema refuses other members), so a
// card whose fields or buttons changed cannot be edited: the message is
// replaced by a new one, with the id derived from the edit's key, and the
// old one deleted; the new id is returned for the caller to record. A card
// that did not change is edited in place, text only. Each step finds what
// an earlier attempt did, so a retry neither posts twice nor loses the card.
func (b *Backend) editCard(ctx context.Context, ch incident.ChannelRef, p incident.Post) (string, error) {
	card := []attachment{b.attachment(p.Card)}
	old, found, err := b.message(ctx, p.EditID)
	if err != nil {
		return "", err
	}
	if found && sameCard(old.Attachments, card) {
		if old.Msg == p.Text {
			return p.EditID, nil
		}
		return p.EditID, b.call(ctx, "edit a message in "+ch.Name, http.MethodPost, "/api/v1/chat.update", nil,
			map[string]any{"roomId": ch.ID, "msgId": p.EditID, "text": p.Text}, nil)
	}
	id := messageID(p.Key)
	posted, err := b.messageExists(ctx, id)
	if err != nil {
		return "", err
	}
	if !posted {
		msg := map[string]any{"_id": id, "rid": ch.ID, "msg": p.Text, "attachments": card}
		if err := b.call(ctx, "post the new card in "+ch.Name, http.MethodPost, "/api/v1/chat.sendMessage", nil, map[string]any{"message": msg}, nil); err != nil {
			return "", err
		}
	}
	if found {
		err := b.call(ctx, "delete the old card in "+ch.Name, http.MethodPost, "/api/v1/chat.delete", nil,
			map[string]any{"roomId": ch.ID, "msgId": p.EditID}, nil)
		if err != nil && !(status(err) == http.StatusBadRequest && errorType(err) == "") {
			return "", err // 400 without errorType: no such message, deleted meanwhile
		}
	}
	return id, nil
}

// message reads one message; found is false when there is none.
func (b *Backend) message(ctx context.Context, id string) (message, bool, error) {
	var out struct {
		Message message `json:"message"`
	}
	err := b.call(ctx, "read message "+id, http.MethodGet, "/api/v1/chat.getMessage", url.Values{"msgId": {id}}, nil, &out)
	if status(err) == http.StatusBadRequest || status(err) == http.StatusNotFound {
		return message{}, false, nil
	}
	return out.Message, err == nil, err
}

// sameCard reports whether a message's attachments, as Rocket.Chat serves
// them back, are the card warroom would post now: both are read through
// the same type, so equal JSON means the same card.
func sameCard(have, want []attachment) bool {
	a, errA := json.Marshal(have)
	w, errW := json.Marshal(want)
	return errA == nil && errW == nil && bytes.Equal(a, w)
}
