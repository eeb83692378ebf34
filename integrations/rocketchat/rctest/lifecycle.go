package rctest

import "fmt"

// archive is channels.archive / groups.archive: the room turns read-only
// and keeps its history and its name. Already archived: 400
// error-room-archived. Without archive-room (admin, room owner): 400
// error-not-authorized.
func (s *Server) archive(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, true)
		if err != nil {
			return nil, err
		}
		if !s.can(c.user, "archive-room", r) {
			return nil, meteorError("error-not-authorized", "Not authorized", map[string]any{"method": "archiveRoom"})
		}
		r.archived = true
		s.saveSystem(r, "room-archived", "", c.user, nil)
		return nil, nil
	}
}

// unarchive is channels.unarchive / groups.unarchive. Not archived: 400
// without errorType. unarchive-room belongs to admins only by default, so
// the bot gets 400 error-not-authorized.
func (s *Server) unarchive(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, false)
		if err != nil {
			return nil, err
		}
		if !r.archived {
			return nil, failure(fmt.Sprintf("The %s, %s, is not archived", k.noun, r.name))
		}
		if !s.can(c.user, "unarchive-room", r) {
			return nil, meteorError("error-not-authorized", "Not authorized", map[string]any{"method": "unarchiveRoom"})
		}
		r.archived = false
		s.saveSystem(r, "room-unarchived", "", c.user, nil)
		return nil, nil
	}
}

// deleteRoom is channels.delete / groups.delete: the room, its messages
// and files are erased and its name is free again. Archived rooms can be
// deleted. Without delete-c / delete-p (admin, room owner): 400
// error-not-allowed.
func (s *Server) deleteRoom(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, false)
		if err != nil {
			return nil, err
		}
		return nil, s.erase(c.user, r)
	}
}

// roomsDelete is rooms.delete {roomId}, for any type: a missing roomId is
// 400 without errorType, an unknown room 400 error-invalid-room.
func (s *Server) roomsDelete(c *call) (map[string]any, error) {
	id, err := c.str("roomId")
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, failure("The 'roomId' param is required")
	}
	r := s.roomByID(id)
	if r == nil {
		return nil, meteorError("error-invalid-room", "Invalid room", map[string]any{"method": "eraseRoom"})
	}
	return nil, s.erase(c.user, r)
}

// erase is eraseRoom. Called with s.mu held.
func (s *Server) erase(u *user, r *room) error {
	perm := map[string]string{TypeChannel: "delete-c", TypeGroup: "delete-p"}[r.t]
	if !s.can(u, perm, r) {
		return meteorError("error-not-allowed", "Not allowed", map[string]any{"method": "eraseRoom"})
	}
	r.deleted = true
	for _, m := range r.msgs {
		delete(s.msgs, m.id)
	}
	for id, f := range s.files {
		if f.rid == r.id {
			delete(s.files, id)
		}
	}
	r.msgs, r.lastMessage = nil, nil
	return nil
}
