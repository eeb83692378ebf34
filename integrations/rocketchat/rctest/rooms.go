package rctest

import (
	"encoding/json"
	"fmt"
	"slices"
)

// kind is the family of room methods: channels.* serve public channels
// only, groups.* private groups only, each answering "not found" for the
// other type.
type kind struct {
	prefix string // method prefix
	t      string // room type served
	key    string // key of the room in answers
	noun   string // in error texts
}

var (
	channels = kind{prefix: "channels", t: TypeChannel, key: "channel", noun: "channel"}
	groups   = kind{prefix: "groups", t: TypeGroup, key: "group", noun: "private group"}
)

// roomParams are roomId/roomName from the body of a POST or the query of
// a GET; idSet/nameSet say whether the key was there at all.
type roomParams struct {
	id, name       string
	idSet, nameSet bool
}

func (c *call) roomParams() (roomParams, error) {
	var p roomParams
	if c.r.Method == "GET" {
		q := c.r.URL.Query()
		p.idSet, p.nameSet = q.Has("roomId"), q.Has("roomName")
		p.id, p.name = q.Get("roomId"), q.Get("roomName")
		return p, nil
	}
	var err error
	p.idSet, p.nameSet = c.has("roomId"), c.has("roomName")
	if p.id, err = c.str("roomId"); err != nil {
		return p, err
	}
	p.name, err = c.str("roomName")
	return p, err
}

// findRoom is findChannelByIdOrName / findPrivateGroupByIdOrName: the
// room of kind k the parameters name, visible to the caller (a private
// group only to its members), and not archived when checkArchived. Called
// with s.mu held.
func (s *Server) findRoom(c *call, k kind, checkArchived bool) (*room, error) {
	p, err := c.roomParams()
	if err != nil {
		return nil, err
	}
	if k.t == TypeGroup && p.id == "" && p.name == "" {
		return nil, meteorError("error-room-param-not-provided", `The parameter "roomId" or "roomName" is required`, nil)
	}
	var r *room
	switch {
	case p.idSet:
		r = s.roomByID(p.id)
	case p.nameSet:
		r = s.roomByName(p.name)
	}
	notFound := meteorError("error-room-not-found",
		fmt.Sprintf(`The required "roomId" or "roomName" param provided does not match any %s`, map[string]string{TypeChannel: "channel", TypeGroup: "group"}[k.t]), nil)
	if r == nil || r.t != k.t {
		return nil, notFound
	}
	if k.t == TypeGroup && r.member(c.user) == nil {
		return nil, notFound
	}
	if checkArchived && r.archived {
		return nil, meteorError("error-room-archived", fmt.Sprintf("The %s, %s, is archived", k.noun, r.name), nil)
	}
	return r, nil
}

// roomByID and roomByName skip deleted rooms. Called with s.mu held.
func (s *Server) roomByID(id string) *room {
	for _, r := range s.rooms {
		if r.id == id && !r.deleted {
			return r
		}
	}
	return nil
}

func (s *Server) roomByName(name string) *room {
	for _, r := range s.rooms {
		if r.name == name && !r.deleted {
			return r
		}
	}
	return nil
}

// createRoom is channels.create / groups.create: 403 without create-c /
// create-p; 400 for a missing name, an invalid name
// (error-invalid-room-name) or a taken one (error-duplicate-channel-name,
// error-archived-duplicate-name). Unknown member usernames are skipped.
func (s *Server) createRoom(k kind) handler {
	return func(c *call) (map[string]any, error) {
		perm := map[string]string{TypeChannel: "create-c", TypeGroup: "create-p"}[k.t]
		if !s.can(c.user, perm, nil) {
			return nil, s.forbidden()
		}
		param := map[string]string{TypeChannel: "Param", TypeGroup: "Body param"}[k.t]
		name, err := c.str("name")
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, failure(param + ` "name" is required`)
		}
		var members []string
		if raw, ok := c.body["members"]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &members); err != nil {
				return nil, failure(map[string]string{
					TypeChannel: `Param "members" must be an array if provided`,
					TypeGroup:   `Body param "members" MUST be an array if provided`,
				}[k.t])
			}
		}
		readOnly, _, err := c.boolean("readOnly")
		if err != nil {
			return nil, err
		}
		excludeSelf, _, err := c.boolean("excludeSelf")
		if err != nil {
			return nil, err
		}
		var extra struct {
			Topic string `json:"topic"`
		}
		if raw, ok := c.body["extraData"]; ok {
			_ = json.Unmarshal(raw, &extra)
		}
		if err := s.checkRoomName(name); err != nil {
			return nil, err
		}
		r := s.insertRoom(c.user, name, k.t, readOnly, excludeSelf, members)
		if extra.Topic != "" {
			r.topic = &extra.Topic
		}
		return map[string]any{k.key: roomJSON(r)}, nil
	}
}

// checkRoomName is getValidRoomName. Called with s.mu held.
func (s *Server) checkRoomName(name string) error {
	details := map[string]any{"function": "RocketChat.getValidRoomName", "channel_name": name}
	if !s.nameRE.MatchString(name) {
		return meteorError("error-invalid-room-name", name+" is not a valid room name.", details)
	}
	if taken := s.roomByName(name); taken != nil {
		if taken.archived {
			return meteorError("error-archived-duplicate-name", "There's an archived channel with name "+name, details)
		}
		return meteorError("error-duplicate-channel-name", fmt.Sprintf("A channel with name '%s' exists", name), details)
	}
	return nil
}

// insertRoom creates a room; the creator is its owner unless excludeSelf.
// Called with s.mu held.
func (s *Server) insertRoom(creator *user, name, t string, readOnly, excludeSelf bool, usernames []string) *room {
	now := s.now()
	r := &room{id: s.newID(), name: name, t: t, creator: creator, readOnly: readOnly, created: now, updated: now}
	if !excludeSelf {
		r.members = append(r.members, &member{u: creator, roles: []string{"owner"}})
	}
	for _, name := range usernames {
		if u := s.userByName(name); u != nil && r.member(u) == nil {
			r.members = append(r.members, &member{u: u})
		}
	}
	s.rooms = append(s.rooms, r)
	return r
}

// roomInfo is channels.info / groups.info; archived rooms are found.
func (s *Server) roomInfo(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, false)
		if err != nil {
			return nil, err
		}
		return map[string]any{k.key: roomJSON(r)}, nil
	}
}

// roomsInfo is rooms.info, for any room type. Like Rocket.Chat it refuses
// an archived room (error-room-archived) and answers a room the caller
// cannot see with failure("not-allowed", "Not Allowed").
func (s *Server) roomsInfo(c *call) (map[string]any, error) {
	p, _ := c.roomParams()
	if p.id == "" && p.name == "" {
		return nil, meteorError("error-roomid-param-not-provided", `The parameter "roomId" or "roomName" is required`, nil)
	}
	r := s.roomByID(p.id)
	if !p.idSet {
		r = s.roomByName(p.name)
	}
	if r == nil {
		return nil, meteorError("error-room-not-found", `The required "roomId" or "roomName" param provided does not match any channel`, nil)
	}
	if r.archived {
		return nil, meteorError("error-room-archived", fmt.Sprintf("The channel, %s, is archived", r.name), nil)
	}
	if !s.canAccess(c.user, r) {
		return nil, failureTyped("not-allowed", "Not Allowed")
	}
	return map[string]any{"room": roomJSON(r)}, nil
}

// canAccess: public channels are open to every user, private groups to
// their members. Called with s.mu held.
func (s *Server) canAccess(u *user, r *room) bool {
	return r.t == TypeChannel || r.member(u) != nil
}

// invite is channels.invite / groups.invite with userId, userIds,
// username or usernames. Unknown users are skipped; when none is left,
// channels.invite answers with error and errorType swapped, exactly as
// the endpoint passes them to API.v1.failure.
func (s *Server) invite(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, true)
		if err != nil {
			return nil, err
		}
		var users []*user
		for _, key := range []string{"userId", "userIds", "username", "usernames"} {
			vals, err := c.strings(key)
			if err != nil {
				return nil, err
			}
			for _, v := range vals {
				u := s.userByID(v)
				if key == "username" || key == "usernames" {
					u = s.userByName(v)
				}
				if u != nil && !slices.Contains(users, u) {
					users = append(users, u)
				}
			}
		}
		if len(users) == 0 {
			if k.t == TypeChannel {
				return nil, failureTyped("invalid-user-invite-list", "Cannot invite if no users are provided")
			}
			return nil, meteorError("error-empty-invite-list", "Cannot invite if no valid users are provided", nil)
		}
		anyRoom := map[string]string{TypeChannel: "add-user-to-any-c-room", TypeGroup: "add-user-to-any-p-room"}[k.t]
		if !(r.member(c.user) != nil && s.can(c.user, "add-user-to-joined-room", r)) && !s.can(c.user, anyRoom, nil) {
			return nil, meteorError("error-not-allowed", "Not allowed", map[string]any{"method": "addUsersToRoom"})
		}
		for _, u := range users {
			if r.member(u) == nil {
				r.members = append(r.members, &member{u: u})
				s.saveSystem(r, "au", u.username, c.user, nil)
			}
		}
		return map[string]any{k.key: roomJSON(r)}, nil
	}
}
