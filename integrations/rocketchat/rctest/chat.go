package rctest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// postMessage is chat.postMessage (processWebhookMessage): roomId or
// channel ("#name", a room id or name); text; attachments; alias, avatar
// (need message-impersonate), emoji; tmid; customFields. Posting into a
// public channel joins it. Errors: text or an attachment's text over
// MaxMessageSize is 400 {"error":"error-message-size-exceeded"} with no
// errorType; an unknown room is 400 invalid-channel; a private group the
// caller is not in is 400 {"error":"error-not-allowed"}; an archived room
// 400 {"error":"room_is_archived"}.
func (s *Server) postMessage(c *call) (map[string]any, error) {
	text, err := c.str("text")
	if err != nil {
		return nil, err
	}
	roomID, err := c.str("roomId")
	if err != nil {
		return nil, err
	}
	channel, err := c.str("channel")
	if err != nil {
		return nil, err
	}
	if roomID == "" && channel == "" {
		return nil, invalidParams("must match exactly one schema in oneOf")
	}
	d := draft{text: text, webhook: true}
	if d.attachments, err = c.attachments(); err != nil {
		return nil, err
	}
	if len([]rune(text)) > s.opts.MaxMessageSize {
		return nil, failure("error-message-size-exceeded")
	}
	for _, a := range d.attachments {
		var at struct {
			Text string `json:"text"`
		}
		_ = json.Unmarshal(a, &at)
		if len([]rune(at.Text)) > s.opts.MaxMessageSize {
			return nil, failure("error-message-size-exceeded")
		}
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"alias", &d.alias}, {"emoji", &d.emoji}, {"avatar", &d.avatar}, {"tmid", &d.tmid}} {
		if *f.dst, err = c.str(f.key); err != nil {
			return nil, err
		}
	}
	if raw, ok := c.body["customFields"]; ok {
		d.custom = raw
	}
	target := channel
	if roomID != "" {
		target = roomID
	}
	r := s.resolveChannel(target)
	if r == nil {
		return nil, meteorError("invalid-channel", "", nil)
	}
	if (d.alias != "" || d.avatar != "") && !s.can(c.user, "message-impersonate", r) {
		return nil, meteorError("error-not-allowed", "Not enough permission", map[string]any{"action": "Impersonate"})
	}
	s.joinPublic(c.user, r)
	m, err := s.send(&c.fx, c.user, r, d)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ts": m.ts.UnixMilli(), "channel": target, "message": messageJSON(m)}, nil
}

// attachments reads the attachments member: an array of objects, kept as
// sent.
func (c *call) attachments() ([]json.RawMessage, error) {
	raw, ok := c.body["attachments"]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalidParams("must have property 'attachments' of type array")
	}
	for _, a := range list {
		var obj map[string]json.RawMessage
		if json.Unmarshal(a, &obj) != nil {
			return nil, invalidParams("attachments must be objects")
		}
	}
	return list, nil
}

// resolveChannel is getRoomByNameOrIdWithOptionToJoin's lookup: "#x" or a
// bare x is a room id or name; "@user" would be a direct message, which the
// fake does not have. Called with s.mu held.
func (s *Server) resolveChannel(target string) *room {
	if strings.HasPrefix(target, "@") {
		return nil
	}
	target = strings.TrimPrefix(target, "#")
	if r := s.roomByID(target); r != nil {
		return r
	}
	return s.roomByName(target)
}

// joinPublic makes u a member of public channel r, as posting there does.
// Called with s.mu held.
func (s *Server) joinPublic(u *user, r *room) {
	if r.t == TypeChannel && r.member(u) == nil && !r.archived {
		r.members = append(r.members, &member{u: u})
		s.saveSystem(r, "uj", u.username, u, nil)
	}
}

// sendMessage is chat.sendMessage {"message": {"_id"?, "rid", "msg", "tmid",
// "tshow", "alias", "emoji", "avatar", "attachments", "customFields"}}: the
// client may choose the _id, which makes retries safe to detect. Reusing an
// _id is 400 with MongoDB's duplicate-key text and no errorType. An unknown
// rid is 400 error-invalid-room; tshow without tmid 400 invalid-params.
func (s *Server) sendMessage(c *call) (map[string]any, error) {
	var in struct {
		ID          string            `json:"_id"`
		RID         string            `json:"rid"`
		Msg         string            `json:"msg"`
		TMID        string            `json:"tmid"`
		TShow       bool              `json:"tshow"`
		Alias       string            `json:"alias"`
		Emoji       string            `json:"emoji"`
		Avatar      string            `json:"avatar"`
		Attachments []json.RawMessage `json:"attachments"`
		Custom      json.RawMessage   `json:"customFields"`
		T           string            `json:"t"`
	}
	raw, ok := c.body["message"]
	if !ok || json.Unmarshal(raw, &in) != nil || in.RID == "" {
		return nil, invalidParams("must have required property 'message'")
	}
	if in.T != "" {
		return nil, failure("Cannot send system messages using 'chat.sendMessage'")
	}
	if in.TShow && in.TMID == "" {
		return nil, meteorError("invalid-params", "tshow provided but missing tmid", map[string]any{"method": "sendMessage"})
	}
	if len([]rune(in.Msg)) > s.opts.MaxMessageSize {
		return nil, meteorError("error-message-size-exceeded", "Message size exceeds Message_MaxAllowedSize", map[string]any{"method": "sendMessage"})
	}
	if in.ID != "" && s.msgs[in.ID] != nil {
		return nil, failure(fmt.Sprintf(`E11000 duplicate key error collection: rocketchat.rocketchat_message index: _id_ dup key: { _id: "%s" }`, in.ID))
	}
	r := s.roomByID(in.RID)
	if p := s.msgs[in.TMID]; p != nil {
		r = s.roomByID(p.rid)
	}
	if r == nil {
		return nil, meteorError("error-invalid-room", "Invalid room", map[string]any{"method": "canSendMessage"})
	}
	m, err := s.send(&c.fx, c.user, r, draft{
		id: in.ID, text: in.Msg, tmid: in.TMID, tshow: in.TShow, alias: in.Alias, emoji: in.Emoji,
		avatar: in.Avatar, attachments: in.Attachments, custom: in.Custom,
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"message": messageJSON(m)}, nil
}

// updateMessage is chat.update {roomId, msgId, text}. Unknown message or a
// roomId that is not the message's: 400 without errorType. Editing
// someone else's message needs edit-message (admin, room owner,
// moderator): 400 error-action-not-allowed. The same text again changes
// nothing (no editedAt). An edit reaches the outgoing integration only with
// RunOnEdits.
func (s *Server) updateMessage(c *call) (map[string]any, error) {
	v, err := required(c, "roomId", "msgId", "text")
	if err != nil {
		return nil, err
	}
	text := v[2]
	m, r, err := s.roomMessage(v[0], v[1])
	if err != nil {
		return nil, err
	}
	if m.u != c.user && !s.can(c.user, "edit-message", r) {
		return nil, meteorError("error-action-not-allowed", "Message editing not allowed",
			map[string]any{"method": "updateMessage", "action": "Message_editing"})
	}
	if len([]rune(text)) > s.opts.MaxMessageSize {
		return nil, meteorError("error-message-size-exceeded", "Message size exceeds Message_MaxAllowedSize", nil)
	}
	if m.msg != text {
		now := s.now()
		m.msg, m.editedAt, m.editedBy, m.updated = text, now, c.user, now
		if m.t == "" {
			s.trigger(&c.fx, r, m)
		}
	}
	return map[string]any{"message": messageJSON(m)}, nil
}

// getMessage is chat.getMessage?msgId=…. An unknown id is a bare 400
// {"success":false}; a message in a group the caller is not in is 400
// error-not-allowed.
func (s *Server) getMessage(c *call) (map[string]any, error) {
	id := c.query("msgId")
	if id == "" {
		return nil, failure(`The "msgId" query parameter must be provided.`)
	}
	m := s.msgs[id]
	if m == nil {
		return nil, failureEmpty()
	}
	if !s.canAccess(c.user, s.roomByID(m.rid)) {
		return nil, meteorError("error-not-allowed", "Not allowed", map[string]any{"method": "getSingleMessage"})
	}
	return map[string]any{"message": messageJSON(m)}, nil
}

// required reads the body's string properties keys, each of which must be
// there, in order.
func required(c *call, keys ...string) ([]string, error) {
	out := make([]string, len(keys))
	for i, k := range keys {
		v, err := c.str(k)
		if err != nil {
			return nil, err
		}
		if !c.has(k) {
			return nil, invalidParams("must have required property '" + k + "'")
		}
		out[i] = v
	}
	return out, nil
}

// roomMessage is the message msgID of the room roomID, as chat.update and
// chat.delete look it up: an unknown id, or one of another room, fails.
func (s *Server) roomMessage(roomID, msgID string) (*message, *room, error) {
	m := s.msgs[msgID]
	if m == nil {
		return nil, nil, failure(fmt.Sprintf(`No message found with the id of "%s".`, msgID))
	}
	if m.rid != roomID {
		return nil, nil, failure("The room id provided does not match where the message is from.")
	}
	return m, s.roomByID(m.rid), nil
}
