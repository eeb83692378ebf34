package rctest

import (
	"encoding/json"
	"slices"
)

// draft is a message about to be sent.
type draft struct {
	id                   string // chosen by the client (chat.sendMessage), else generated
	text                 string
	alias, emoji, avatar string
	attachments          []json.RawMessage
	tmid                 string
	tshow                bool
	webhook              bool   // processWebhookMessage path: groupable false
	bot                  string // integration id of an outgoing integration's reply
	files                []*file
	custom               json.RawMessage
}

// canSend is canSendMessage: the room must be open to u (a private group
// to its members), not archived, and not read-only unless u may post
// there. These are thrown plain Errors, so the answer is a 400 without
// errorType. Called with s.mu held.
func (s *Server) canSend(u *user, r *room) error {
	switch {
	case !s.canAccess(u, r):
		return failure("error-not-allowed")
	case r.archived:
		return failure("room_is_archived")
	case r.readOnly && !s.can(u, "post-readonly", r):
		return failure("You can't send messages because the room is readonly.")
	}
	return nil
}

// send saves a message from u in r after canSend; a thread reply to a
// reply goes to the thread's root. Called with s.mu held.
func (s *Server) send(f *fx, u *user, r *room, d draft) (*message, error) {
	if err := s.canSend(u, r); err != nil {
		return nil, err
	}
	if d.tmid != "" {
		if p := s.msgs[d.tmid]; p != nil && p.tmid != "" {
			d.tmid = p.tmid
		}
	}
	m := &message{
		id: d.id, msg: d.text, u: u, alias: d.alias, emoji: d.emoji, avatar: d.avatar,
		webhook: d.webhook, bot: d.bot, attachments: d.attachments, tmid: d.tmid, tshow: d.tshow,
		files: d.files, custom: d.custom,
	}
	s.saveMessage(f, r, m)
	return m, nil
}

// saveSystem saves a system message of type t. System messages trigger no
// outgoing webhook. Called with s.mu held.
func (s *Server) saveSystem(r *room, t, text string, u *user, attachments []json.RawMessage) *message {
	m := &message{t: t, msg: text, u: u, attachments: attachments}
	s.saveMessage(nil, r, m)
	return m
}

// saveMessage stores m in r: id, order, timestamps, the thread counters of
// its parent, the room's last message, and — when f is given — the
// outgoing webhook calls it triggers. Called with s.mu held.
func (s *Server) saveMessage(f *fx, r *room, m *message) {
	now := s.now()
	if m.id == "" {
		m.id = s.newID()
	}
	s.seq++
	m.rid, m.seq, m.ts, m.updated = r.id, s.seq, now, now
	r.msgs = append(r.msgs, m)
	s.msgs[m.id] = m
	if p := s.msgs[m.tmid]; m.tmid != "" && p != nil && p.rid == r.id {
		p.tcount++
		p.tlm = now
		p.updated = now
		for _, id := range []string{p.u.id, m.u.id} {
			if !slices.Contains(p.replies, id) {
				p.replies = append(p.replies, id)
			}
		}
	}
	if m.tmid == "" || m.tshow {
		r.lastMessage = m
	}
	r.updated = now
	if f != nil && m.t == "" {
		s.trigger(f, r, m)
	}
}
