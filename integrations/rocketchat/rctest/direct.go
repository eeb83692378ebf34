package rctest

// imCreate is im.create: {"username": "alice"} opens (or finds) the direct
// room between the caller and that user; its id is the two user ids
// concatenated in sorted order, as Rocket.Chat's are.
func (s *Server) imCreate(c *call) (map[string]any, error) {
	name, err := c.str("username")
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, failure(`Body param "username" or "usernames" is required`)
	}
	other := s.userByName(name)
	if other == nil {
		return nil, meteorError("error-invalid-user", "Invalid user", nil)
	}
	a, b := c.user.id, other.id
	if b < a {
		a, b = b, a
	}
	id := a + b
	for _, r := range s.rooms {
		if r.id == id && !r.deleted {
			return map[string]any{"room": directJSON(r)}, nil
		}
	}
	now := s.now()
	r := &room{id: id, name: "", t: "d", creator: c.user, created: now, updated: now,
		members: []*member{{u: c.user}, {u: other}}}
	if other == c.user {
		r.members = r.members[:1]
	}
	s.rooms = append(s.rooms, r)
	return map[string]any{"room": directJSON(r)}, nil
}

func directJSON(r *room) map[string]any {
	usernames := make([]string, 0, len(r.members))
	for _, m := range r.members {
		usernames = append(usernames, m.u.username)
	}
	return map[string]any{"_id": r.id, "rid": r.id, "t": "d", "usernames": usernames}
}
