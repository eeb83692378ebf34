package rctest

import (
	"slices"
	"strconv"
)

// deleteMessage is chat.delete {roomId, msgId, asUser}, on a server with
// the defaults Message_AllowDeleting on and Message_KeepHistory and
// Message_ShowDeletedStatus off: the message is removed, and its _id is
// gone from every read; a thread's root stays, emptied, as a system
// message of type "rm", as Rocket.Chat keeps threads. An unknown message or a roomId that is not the
// message's is 400 without errorType (as chat.update). Deleting needs
// force-delete-message (admin, room owner), delete-message (admin, room
// owner, moderator), or, for one's own message, delete-own-message
// (admin, user); else 400 error-action-not-allowed.
func (s *Server) deleteMessage(c *call) (map[string]any, error) {
	v, err := required(c, "roomId", "msgId")
	if err != nil {
		return nil, err
	}
	asUser, _, err := c.boolean("asUser")
	if err != nil {
		return nil, err
	}
	m, r, err := s.roomMessage(v[0], v[1])
	if err != nil {
		return nil, err
	}
	if asUser && m.u != c.user && !s.can(c.user, "force-delete-message", r) {
		return nil, failure(`Unauthorized. You must have the permission "force-delete-message" to delete other's message as them.`)
	}
	if !s.can(c.user, "force-delete-message", r) && !s.can(c.user, "delete-message", r) &&
		!(m.u == c.user && s.can(c.user, "delete-own-message", nil)) {
		return nil, meteorError("error-action-not-allowed", "Not allowed", map[string]any{"method": "deleteMessage", "action": "Delete_message"})
	}
	if m.tcount > 0 {
		now := s.now()
		m.t, m.msg, m.attachments, m.reactions = "rm", "", nil, nil
		m.editedAt, m.editedBy, m.updated = now, c.user, now
	} else {
		s.removeMessage(r, m)
	}
	return map[string]any{"_id": m.id, "ts": strconv.FormatInt(s.now().UnixMilli(), 10),
		"message": map[string]any{"_id": m.id, "rid": m.rid, "u": userRef(m.u)}}, nil
}

// removeMessage takes m out of r: the thread counter of its parent, and
// the room's last message, follow. Called with s.mu held.
func (s *Server) removeMessage(r *room, m *message) {
	delete(s.msgs, m.id)
	r.msgs = slices.DeleteFunc(r.msgs, func(x *message) bool { return x == m })
	if p := s.msgs[m.tmid]; p != nil && p.tcount > 0 {
		p.tcount--
	}
	if r.lastMessage == m {
		r.lastMessage = nil
		for _, x := range slices.Backward(r.msgs) {
			if x.tmid == "" || x.tshow {
				r.lastMessage = x
				break
			}
		}
	}
	r.updated = s.now()
}
