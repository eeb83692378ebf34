package rctest

import (
	"encoding/json"
	"slices"
	"time"
)

// Room types, the "t" of a room.
const (
	TypeChannel = "c" // public channel
	TypeGroup   = "p" // private group
)

// user is an account. Guarded by Server.mu, like everything below.
type user struct {
	id, username, name, typ string
	roles                   []string
	tokens                  []string // personal access token and login tokens
	password                string
}

type member struct {
	u     *user
	roles []string // room roles: "owner", "moderator"
}

type room struct {
	id, name, t  string
	creator      *user
	topic        *string // nil until set: "" and unset differ for the same-value check
	announcement *string
	description  *string
	readOnly     bool
	archived     bool
	deleted      bool
	members      []*member
	created      time.Time
	updated      time.Time
	msgs         []*message // in the order saved
	lastMessage  *message
}

type reaction struct {
	emoji     string // ":white_check_mark:"
	usernames []string
}

type message struct {
	id, rid     string
	seq         int64 // save order, to break ties between equal timestamps
	t           string
	msg         string
	ts, updated time.Time
	u           *user
	alias       string
	emoji       string
	avatar      string
	webhook     bool   // posted through chat.postMessage or as an integration reply: groupable false
	bot         string // integration id when posted as an outgoing integration's reply
	attachments []json.RawMessage
	tmid        string
	tshow       bool
	tcount      int
	tlm         time.Time
	replies     []string // user ids
	pinned      *bool
	pinnedAt    time.Time
	pinnedBy    *user
	editedAt    time.Time
	editedBy    *user
	reactions   []*reaction
	files       []*file
	custom      json.RawMessage
}

type file struct {
	id, rid, name, typ string
	uploader           *user
	data               []byte
	confirmed          bool
	description        string
}

func (r *room) member(u *user) *member {
	for _, m := range r.members {
		if m.u == u {
			return m
		}
	}
	return nil
}

func (r *room) usernames() []string {
	out := make([]string, 0, len(r.members))
	for _, m := range r.members {
		out = append(out, m.u.username)
	}
	return out
}

func (m *message) reaction(emoji string) *reaction {
	for _, r := range m.reactions {
		if r.emoji == emoji {
			return r
		}
	}
	return nil
}

// isoTime is how Rocket.Chat's JSON shows a JS Date.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func userRef(u *user) map[string]any {
	return map[string]any{"_id": u.id, "username": u.username, "name": u.name}
}

// roomJSON is the IRoom the REST API answers with.
func roomJSON(r *room) map[string]any {
	out := map[string]any{
		"_id":          r.id,
		"name":         r.name,
		"fname":        r.name,
		"t":            r.t,
		"msgs":         countVisible(r),
		"usersCount":   len(r.members),
		"u":            map[string]any{"_id": r.creator.id, "username": r.creator.username},
		"customFields": map[string]any{},
		"ts":           isoTime(r.created),
		"ro":           r.readOnly,
		"default":      false,
		"sysMes":       true,
		"_updatedAt":   isoTime(r.updated),
	}
	if r.topic != nil {
		out["topic"] = *r.topic
	}
	if r.announcement != nil {
		out["announcement"] = *r.announcement
	}
	if r.description != nil {
		out["description"] = *r.description
	}
	if r.archived {
		out["archived"] = true
	}
	if r.lastMessage != nil {
		out["lastMessage"] = messageJSON(r.lastMessage)
		out["lm"] = isoTime(r.lastMessage.ts)
	}
	return out
}

func countVisible(r *room) int {
	n := 0
	for _, m := range r.msgs {
		if m.t == "" {
			n++
		}
	}
	return n
}

// messageJSON is the IMessage the REST API answers with.
func messageJSON(m *message) map[string]any {
	out := map[string]any{
		"_id":        m.id,
		"rid":        m.rid,
		"msg":        m.msg,
		"ts":         isoTime(m.ts),
		"u":          userRef(m.u),
		"_updatedAt": isoTime(m.updated),
		"mentions":   []any{},
		"channels":   []any{},
	}
	if m.t != "" {
		out["t"] = m.t
	}
	if m.webhook {
		out["groupable"] = false
	}
	if m.alias != "" {
		out["alias"] = m.alias
	}
	if m.emoji != "" {
		out["emoji"] = m.emoji
	}
	if m.avatar != "" {
		out["avatar"] = m.avatar
	}
	if m.bot != "" {
		out["bot"] = map[string]any{"i": m.bot}
	}
	if m.attachments != nil {
		out["attachments"] = slices.Clone(m.attachments)
	}
	if m.tmid != "" {
		out["tmid"] = m.tmid
		if m.tshow {
			out["tshow"] = true
		}
	}
	if m.tcount > 0 {
		out["tcount"] = m.tcount
		out["tlm"] = isoTime(m.tlm)
		out["replies"] = slices.Clone(m.replies)
	}
	if m.pinned != nil {
		out["pinned"] = *m.pinned
		if m.pinnedBy != nil {
			out["pinnedAt"] = isoTime(m.pinnedAt)
			out["pinnedBy"] = map[string]any{"_id": m.pinnedBy.id, "username": m.pinnedBy.username}
		}
	}
	if m.editedBy != nil {
		out["editedAt"] = isoTime(m.editedAt)
		out["editedBy"] = map[string]any{"_id": m.editedBy.id, "username": m.editedBy.username}
	}
	if len(m.reactions) > 0 {
		rs := map[string]any{}
		for _, r := range m.reactions {
			rs[r.emoji] = map[string]any{"usernames": slices.Clone(r.usernames)}
		}
		out["reactions"] = rs
	}
	if len(m.files) > 0 {
		fs := make([]any, 0, len(m.files))
		for _, f := range m.files {
			fs = append(fs, fileRef(f))
		}
		out["file"] = fs[0]
		out["files"] = fs
	}
	if m.custom != nil {
		out["customFields"] = m.custom
	}
	return out
}

func fileRef(f *file) map[string]any {
	return map[string]any{"_id": f.id, "name": f.name, "type": f.typ, "size": len(f.data), "format": formatOf(f.name)}
}

func userJSON(u *user, self bool) map[string]any {
	out := map[string]any{
		"_id":       u.id,
		"username":  u.username,
		"name":      u.name,
		"type":      u.typ,
		"status":    "online",
		"active":    true,
		"utcOffset": 0,
	}
	if self {
		out["roles"] = slices.Clone(u.roles)
		out["statusConnection"] = "online"
		out["emails"] = []any{map[string]any{"address": u.username + "@example.com", "verified": true}}
	}
	return out
}
