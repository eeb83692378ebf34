package rctest

// roomField is one of the free-text room settings a set* method writes.
type roomField struct {
	param string // body key and answer key
	what  string // in the same-value error text
	sys   string // system message type saved on change
	get   func(r *room) **string
}

var (
	fieldTopic = roomField{"topic", "topic", "room_changed_topic",
		func(r *room) **string { return &r.topic }}
	fieldAnnouncement = roomField{"announcement", "announcement", "room_changed_announcement",
		func(r *room) **string { return &r.announcement }}
	fieldDescription = roomField{"description", "description", "room_changed_description",
		func(r *room) **string { return &r.description }}
	// purpose is another name for the description.
	fieldPurpose = roomField{"purpose", "purpose (description)", "room_changed_description",
		func(r *room) **string { return &r.description }}
)

// setRoomField is {channels,groups}.set{Topic,Announcement,Description,
// Purpose}. The body key must be present (400 `The bodyParam "topic" is
// required` otherwise) and the room not archived (400
// error-room-archived). Only channels.setTopic, setDescription and
// setPurpose refuse a value equal to the current one (400 "The channel
// topic is the same as what it would be changed to."):
// channels.setAnnouncement and every groups.* setter accept it and change
// nothing, as in Rocket.Chat's sources. Without edit-room (admin, room
// owner or moderator): 400 error-action-not-allowed. A change saves a
// system message (room_changed_topic, ...).
func (s *Server) setRoomField(k kind, f roomField) handler {
	return func(c *call) (map[string]any, error) {
		if !c.has(f.param) {
			return nil, failure(`The bodyParam "` + f.param + `" is required`)
		}
		value, err := c.str(f.param)
		if err != nil {
			return nil, err
		}
		r, err := s.findRoom(c, k, true)
		if err != nil {
			return nil, err
		}
		cur := f.get(r)
		if k.t == TypeChannel && f.param != "announcement" && *cur != nil && **cur == value {
			return nil, failure("The channel " + f.what + " is the same as what it would be changed to.")
		}
		if !s.can(c.user, "edit-room", r) {
			return nil, meteorError("error-action-not-allowed", "Editing room is not allowed",
				map[string]any{"method": "saveRoomSettings", "action": "Editing_room"})
		}
		switch {
		case value == "" && *cur == nil:
			// Nothing to clear.
		case *cur == nil || **cur != value:
			v := value
			*cur = &v
			r.updated = s.now()
			s.saveSystem(r, f.sys, value, c.user, nil)
		}
		return map[string]any{f.param: value}, nil
	}
}
