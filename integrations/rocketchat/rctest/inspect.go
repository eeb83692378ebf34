package rctest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// RoomView is a snapshot of a room for assertions. It shares nothing with
// the server.
type RoomView struct {
	ID           string
	Name         string
	Type         string // TypeChannel or TypeGroup
	Creator      string // username
	Topic        string
	Announcement string
	Description  string
	ReadOnly     bool
	Archived     bool
	Deleted      bool     // erased by a delete call: no messages left
	Members      []string // usernames, in the order they joined
	Owners       []string
	Created      time.Time
}

// MessageView is a snapshot of a message.
type MessageView struct {
	ID     string
	RoomID string
	// Type is the system message type ("au", "uj", "room_changed_topic",
	// "message_pinned", "room-archived", …); "" for a normal message.
	Type        string
	Text        string
	Author      string // username
	Alias       string
	Emoji       string
	Avatar      string
	Bot         bool // posted by the outgoing integration as its reply
	TMID        string
	TCount      int
	Pinned      bool
	Edited      bool
	EditedBy    string
	Reactions   map[string][]string // ":emoji:" → usernames
	Attachments []json.RawMessage   // as stored and served
	Files       []FileView
	Created     time.Time
	Updated     time.Time
}

// FileView is an uploaded file, with its bytes.
type FileView struct {
	ID        string
	Name      string
	Type      string
	Data      []byte
	Uploader  string
	Confirmed bool // rooms.media files turn true on mediaConfirm
}

// Request is one request the fake received, for assertions such as "the
// message was posted once".
type Request struct {
	Method string
	Path   string // as sent, e.g. /api/v1/chat.postMessage
	Query  string
	Status int    // the status answered
	Fault  bool   // answered by an injected fault or an outage
	UserID string // the authenticated caller, if any
}

// Room returns a snapshot of the room with that id or name (a live room's
// name before a deleted one's); it fails the test when there is none.
func (s *Server) Room(idOrName string) RoomView {
	s.t.Helper()
	v, ok := s.LookupRoom(idOrName)
	if !ok {
		s.t.Fatalf("rctest: no room %q", idOrName)
	}
	return v
}

// LookupRoom is Room without failing: ok is false when there is no such
// room, deleted or not.
func (s *Server) LookupRoom(idOrName string) (RoomView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.anyRoom(idOrName)
	if r == nil {
		return RoomView{}, false
	}
	return roomView(r), true
}

// Rooms returns snapshots of every room, deleted ones included, in
// creation order.
func (s *Server) Rooms() []RoomView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RoomView, 0, len(s.rooms))
	for _, r := range s.rooms {
		out = append(out, roomView(r))
	}
	return out
}

// Messages returns the messages of the room (id or name) in the order they
// were saved — system messages and thread replies included; none for a
// deleted or unknown room.
func (s *Server) Messages(roomID string) []MessageView {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.anyRoom(roomID)
	if r == nil || r.deleted {
		return nil
	}
	out := make([]MessageView, 0, len(r.msgs))
	for _, m := range r.msgs {
		out = append(out, messageView(m))
	}
	return out
}

// Message returns a snapshot of one message; it fails the test when there
// is none.
func (s *Server) Message(id string) MessageView {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.msgs[id]
	if m == nil {
		s.t.Fatalf("rctest: no message %s", id)
	}
	return messageView(m)
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count is how many recorded requests had that method and path, e.g.
// Count("POST", "/api/v1/chat.postMessage").
func (s *Server) Count(method, path string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func (s *Server) record(r *http.Request, path string, status int, fault bool, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: path, Query: r.URL.RawQuery, Status: status, Fault: fault, UserID: userID,
	})
}

// anyRoom finds a room by id or name, preferring live rooms. Called with
// s.mu held.
func (s *Server) anyRoom(idOrName string) *room {
	if r := s.resolveChannel(idOrName); r != nil {
		return r
	}
	for _, r := range slices.Backward(s.rooms) {
		if r.id == idOrName || r.name == idOrName {
			return r
		}
	}
	return nil
}

func roomView(r *room) RoomView {
	v := RoomView{
		ID: r.id, Name: r.name, Type: r.t, Creator: r.creator.username, ReadOnly: r.readOnly,
		Archived: r.archived, Deleted: r.deleted, Members: r.usernames(), Created: r.created,
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&v.Topic, r.topic}, {&v.Announcement, r.announcement}, {&v.Description, r.description}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, m := range r.members {
		if slices.Contains(m.roles, "owner") {
			v.Owners = append(v.Owners, m.u.username)
		}
	}
	return v
}

func messageView(m *message) MessageView {
	v := MessageView{
		ID: m.id, RoomID: m.rid, Type: m.t, Text: m.msg, Author: m.u.username, Alias: m.alias,
		Emoji: m.emoji, Avatar: m.avatar, Bot: m.bot != "", TMID: m.tmid, TCount: m.tcount,
		Pinned: m.pinned != nil && *m.pinned, Edited: m.editedBy != nil,
		Created: m.ts, Updated: m.updated,
	}
	if m.editedBy != nil {
		v.EditedBy = m.editedBy.username
	}
	for _, a := range m.attachments {
		v.Attachments = append(v.Attachments, slices.Clone(a))
	}
	if len(m.reactions) > 0 {
		v.Reactions = map[string][]string{}
		for _, r := range m.reactions {
			v.Reactions[r.emoji] = slices.Clone(r.usernames)
		}
	}
	for _, f := range m.files {
		v.Files = append(v.Files, FileView{
			ID: f.id, Name: f.name, Type: f.typ, Data: slices.Clone(f.data), Uploader: f.uploader.username, Confirmed: f.confirmed,
		})
	}
	return v
}
