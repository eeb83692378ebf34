package rctest

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
)

// pinMessage is chat.pinMessage {"messageId"} (no other key: 400
// invalid-params). Unknown id: 400 error-message-not-found. Without
// pin-message (room owner, moderator, admin) or access: 400 not-authorized.
// It answers with the "message_pinned" system message it saves; pinning a
// pinned message saves nothing and answers with the message itself.
func (s *Server) pinMessage(c *call) (map[string]any, error) {
	m, err := s.pinTarget(c)
	if err != nil {
		return nil, err
	}
	r := s.roomByID(m.rid)
	if !s.can(c.user, "pin-message", r) || !s.canAccess(c.user, r) {
		return nil, meteorError("not-authorized", "Not Authorized", map[string]any{"method": "pinMessage"})
	}
	if m.pinned != nil && *m.pinned {
		return map[string]any{"message": messageJSON(m)}, nil
	}
	now := s.now()
	pinned := true
	m.pinned, m.pinnedAt, m.pinnedBy, m.updated = &pinned, now, c.user, now
	quote, _ := json.Marshal(map[string]any{
		"text":        m.msg,
		"author_name": m.u.username,
		"author_icon": "/avatar/" + m.u.username,
		"ts":          isoTime(m.ts),
		"attachments": nonNil(m.attachments),
	})
	sys := s.saveSystem(r, "message_pinned", "", c.user, []json.RawMessage{quote})
	return map[string]any{"message": messageJSON(sys)}, nil
}

// unpinMessage is chat.unPinMessage {"messageId"}: {"success":true}. A
// message in a room the caller is not in is 400 error-invalid-message.
func (s *Server) unpinMessage(c *call) (map[string]any, error) {
	m, err := s.pinTarget(c)
	if err != nil {
		return nil, err
	}
	r := s.roomByID(m.rid)
	if r.member(c.user) == nil {
		return nil, meteorError("error-invalid-message", "Message you are unpinning was not found",
			map[string]any{"method": "unpinMessage", "action": "Message_pinning"})
	}
	if !s.can(c.user, "pin-message", r) {
		return nil, meteorError("not-authorized", "Not Authorized", map[string]any{"method": "unpinMessage"})
	}
	pinned := false
	m.pinned, m.pinnedBy, m.updated = &pinned, c.user, s.now()
	return nil, nil
}

func (s *Server) pinTarget(c *call) (*message, error) {
	if err := c.only("messageId"); err != nil {
		return nil, err
	}
	id, err := c.str("messageId")
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalidParams("must have required property 'messageId'")
	}
	m := s.msgs[id]
	if m == nil {
		return nil, meteorError("error-message-not-found", `The provided "messageId" does not match any existing message.`, nil)
	}
	return m, nil
}

func nonNil(a []json.RawMessage) []json.RawMessage {
	if a == nil {
		return []json.RawMessage{}
	}
	return a
}

var emojiRE = regexp.MustCompile(`^:[a-z0-9_+\-]+:$`)

// react is chat.react {messageId, emoji (or reaction), shouldReact?}: with
// shouldReact absent it toggles the caller's reaction, true adds it, false
// removes it. The emoji may come with or without colons. Unknown message:
// 400 error-message-not-found; no emoji: 400 error-emoji-param-not-provided;
// a malformed one: 400 error-not-allowed "Invalid emoji provided.".
// Reactions reach no outgoing webhook.
func (s *Server) react(c *call) (map[string]any, error) {
	id, err := c.str("messageId")
	if err != nil {
		return nil, err
	}
	m := s.msgs[id]
	if m == nil {
		return nil, meteorError("error-message-not-found", `The provided "messageId" does not match any existing message.`, nil)
	}
	emoji, err := c.str("emoji")
	if err != nil {
		return nil, err
	}
	if emoji == "" {
		if emoji, err = c.str("reaction"); err != nil {
			return nil, err
		}
	}
	if emoji == "" {
		return nil, meteorError("error-emoji-param-not-provided", `The required "emoji" param is missing.`, nil)
	}
	should, set, err := c.boolean("shouldReact")
	if err != nil {
		return nil, err
	}
	var want *bool
	if set {
		want = &should
	}
	return nil, s.setReaction(c.user, m, emoji, want)
}

// setReaction adds or removes u's reaction; want nil toggles. Called with
// s.mu held.
func (s *Server) setReaction(u *user, m *message, emoji string, want *bool) error {
	emoji = ":" + strings.ReplaceAll(emoji, ":", "") + ":"
	if !emojiRE.MatchString(emoji) {
		return meteorError("error-not-allowed", "Invalid emoji provided.", map[string]any{"method": "setReaction"})
	}
	if !s.canAccess(u, s.roomByID(m.rid)) {
		return meteorError("not-authorized", "Not Authorized", map[string]any{"method": "setReaction"})
	}
	r := m.reaction(emoji)
	has := r != nil && slices.Contains(r.usernames, u.username)
	add := !has
	if want != nil {
		add = *want
	}
	switch {
	case add && !has:
		if r == nil {
			r = &reaction{emoji: emoji}
			m.reactions = append(m.reactions, r)
		}
		r.usernames = append(r.usernames, u.username)
	case !add && has:
		r.usernames = slices.DeleteFunc(r.usernames, func(n string) bool { return n == u.username })
		if len(r.usernames) == 0 {
			m.reactions = slices.DeleteFunc(m.reactions, func(x *reaction) bool { return x == r })
		}
	default:
		return nil
	}
	m.updated = s.now()
	return nil
}
