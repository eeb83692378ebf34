package rctest

// members is channels.members / groups.members: the room's members, a
// page at a time (offset, count), as {_id, username, name, status}, with
// count (this page's), offset and total, as Rocket.Chat answers it. A
// public channel is open to every user, a private group to its members
// (findRoom); archived rooms answer too.
func (s *Server) members(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, false)
		if err != nil {
			return nil, err
		}
		list := make([]map[string]any, 0, len(r.members))
		for _, m := range r.members {
			list = append(list, map[string]any{"_id": m.u.id, "username": m.u.username, "name": m.u.name, "status": "offline"})
		}
		p := c.page()
		out := pageOf(list, p)
		return map[string]any{"members": out, "count": len(out), "offset": p.offset, "total": len(list)}, nil
	}
}
