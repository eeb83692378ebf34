package rocketchat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/warroom/warroom/incident"
)

// room is the part of Rocket.Chat's room object warroom reads.
type room struct {
	ID           string `json:"_id"`
	Name         string `json:"name"`
	T            string `json:"t"`
	Topic        string `json:"topic"`
	Announcement string `json:"announcement"`
	Description  string `json:"description"`
	Archived     bool   `json:"archived"`
	Msgs         int    `json:"msgs"`
	U            struct {
		ID       string `json:"_id"`
		Username string `json:"username"`
	} `json:"u"`
}

// maxRoomName keeps names short enough for every client.
const maxRoomName = 64

// RoomName turns a wished-for name into one the default name rule
// ([0-9a-zA-Z-_.]+) accepts, in lower case.
func RoomName(wish string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(wish) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-_.")
	if len(name) > maxRoomName {
		name = strings.TrimRight(name[:maxRoomName], "-_.")
	}
	if name == "" {
		return "incident"
	}
	return name
}

func candidate(name string, n int) string {
	if n <= 1 {
		return name
	}
	suffix := fmt.Sprintf("-%d", n)
	if len(name)+len(suffix) > maxRoomName {
		name = strings.TrimRight(name[:maxRoomName-len(suffix)], "-_.")
	}
	return name + suffix
}

// roomInfo reads a room by name, or returns nil when there is none.
func (b *Backend) roomInfo(ctx context.Context, q url.Values) (*room, error) {
	var out struct {
		Channel *room `json:"channel"`
		Group   *room `json:"group"`
		Room    *room `json:"room"`
	}
	err := b.call(ctx, "read room "+q.Encode(), http.MethodGet, "/api/v1/"+b.kind()+".info", q, nil, &out)
	switch errorType(err) {
	case "error-room-not-found", "error-room-archived-not-found":
		return nil, nil
	}
	if err != nil {
		if status(err) == http.StatusBadRequest && strings.Contains(strings.ToLower(err.Error()), "not found") {
			return nil, nil
		}
		return nil, err
	}
	for _, r := range []*room{out.Channel, out.Group, out.Room} {
		if r != nil {
			return r, nil
		}
	}
	return nil, nil
}

// OpenChannel creates the incident's room, or adopts the one an earlier
// attempt created (created by the bot, its description naming the
// incident), trying name-2, name-3 ... when the name is taken, also by the
// bot for another incident. Then it invites people and sets the topic.
func (b *Backend) OpenChannel(ctx context.Context, spec incident.ChannelSpec) (incident.ChannelRef, error) {
	base := RoomName(spec.Name)
	description := roomDescription(spec)
	var r *room
	for n := 1; r == nil; n++ {
		if n > 50 {
			return incident.ChannelRef{}, incident.Errorf(incident.KindPermanent, "no free room name: %s and 49 variants are taken", base)
		}
		name := candidate(base, n)
		existing, err := b.roomInfo(ctx, url.Values{"roomName": {name}})
		if err != nil {
			return incident.ChannelRef{}, err
		}
		if existing != nil {
			if existing.U.ID == b.cfg.UserID && !existing.Archived && ownedBy(existing.Description, spec.IncidentKey) {
				r = existing // ours, from an attempt that crashed before recording it
			}
			continue
		}
		var out struct {
			Channel *room `json:"channel"`
			Group   *room `json:"group"`
		}
		err = b.call(ctx, "create room "+name, http.MethodPost, "/api/v1/"+b.kind()+".create", nil,
			map[string]any{"name": name, "extraData": map[string]any{"topic": spec.Header}}, &out)
		switch t := errorType(err); {
		case t == "error-duplicate-channel-name" || t == "error-archived-duplicate-name":
			continue
		case err != nil:
			return incident.ChannelRef{}, err
		}
		if r = out.Channel; r == nil {
			r = out.Group
		}
		if r == nil {
			return incident.ChannelRef{}, incident.Errorf(incident.KindTransient, "create room %s: the answer holds no room", name)
		}
		// The description names the incident, so that a retry adopts this
		// room and another incident wishing for the same name does not. A
		// crash right before this leaves an empty room nobody adopts.
		err = b.call(ctx, "describe room "+name, http.MethodPost, "/api/v1/"+b.kind()+".setDescription", nil,
			map[string]any{"roomId": r.ID, "description": description}, nil)
		if err != nil {
			return incident.ChannelRef{}, err
		}
	}
	ref := b.ref(r)
	if err := b.invite(ctx, ref, append(append([]string{}, b.cfg.Invite...), spec.Invite...)); err != nil {
		return incident.ChannelRef{}, err
	}
	if err := b.UpdateChannel(ctx, ref, incident.ChannelState{Header: spec.Header}); err != nil {
		return incident.ChannelRef{}, err
	}
	return ref, nil
}

// roomDescription is the description of an incident's room: its purpose,
// and the incident key that marks the room as that incident's.
func roomDescription(spec incident.ChannelSpec) string {
	return strings.TrimSpace(spec.Purpose + " " + keyMark(spec.IncidentKey))
}

func keyMark(key string) string { return "(warroom " + key + ")" }

// ownedBy reports whether a room's description marks it as the incident's.
func ownedBy(description, incidentKey string) bool {
	return strings.HasSuffix(description, keyMark(incidentKey))
}

func (b *Backend) ref(r *room) incident.ChannelRef {
	path := "channel"
	if r.T == "p" {
		path = "group"
	}
	return incident.ChannelRef{Backend: Name, ID: r.ID, Name: r.Name, URL: b.cfg.URL + "/" + path + "/" + r.Name}
}

// invite adds the people an opened room is for through Invite, so an
// open retried after a failure part-way invites only the ones not in yet;
// an unknown username is logged and does not keep the room from opening.
func (b *Backend) invite(ctx context.Context, ch incident.ChannelRef, usernames []string) error {
	got, err := b.Invite(ctx, ch, usernames)
	if err != nil {
		return err
	}
	for _, u := range got.Unknown {
		b.log.Warn("cannot invite Rocket.Chat user; check the invite lists and the routing rules", "user", u, "room", ch.Name)
	}
	return nil
}

// Invite adds people to an incident's room (see incident.Chat). The
// members are read first, so one already in the room is left alone; the
// others are invited in one channels.invite with usernames (Rocket.Chat
// skips the names it does not know), and the members read again tell who
// is in now: an attempt costs two reads of the members (a page per 100)
// and one invite, however many people are named.
func (b *Backend) Invite(ctx context.Context, ch incident.ChannelRef, usernames []string) (incident.Invited, error) {
	var out incident.Invited
	in, err := b.members(ctx, ch)
	if err != nil {
		return out, err
	}
	seen := map[string]bool{}
	var want []string
	for _, u := range usernames {
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		if in[u] {
			out.Already = append(out.Already, u)
		} else {
			want = append(want, u)
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	err = b.call(ctx, fmt.Sprintf("invite %d people", len(want)), http.MethodPost, "/api/v1/"+b.kind()+".invite", nil,
		map[string]any{"roomId": ch.ID, "usernames": want}, nil)
	switch {
	case err != nil && incident.ErrorKind(err) == incident.KindPermanent && status(err) == http.StatusBadRequest:
		out.Unknown = want // none of them is known: the list left is empty
		return out, nil
	case err != nil:
		return out, err
	}
	if in, err = b.members(ctx, ch); err != nil {
		return out, err
	}
	for _, u := range want {
		if in[u] {
			out.Added = append(out.Added, u)
		} else {
			out.Unknown = append(out.Unknown, u)
		}
	}
	return out, nil
}

// members reads the usernames of a room's members, a page at a time
// (channels.members / groups.members).
func (b *Backend) members(ctx context.Context, ch incident.ChannelRef) (map[string]bool, error) {
	in := map[string]bool{}
	for offset := 0; ; {
		var page struct {
			Members []struct {
				Username string `json:"username"`
			} `json:"members"`
			Count int `json:"count"`
			Total int `json:"total"`
		}
		q := url.Values{"roomId": {ch.ID}, "count": {"100"}, "offset": {strconv.Itoa(offset)}}
		if err := b.call(ctx, "read the members of "+ch.Name, http.MethodGet, "/api/v1/"+b.kind()+".members", q, nil, &page); err != nil {
			return nil, err
		}
		for _, m := range page.Members {
			in[m.Username] = true
		}
		offset += len(page.Members)
		if len(page.Members) == 0 || offset >= page.Total {
			return in, nil
		}
	}
}

// UpdateChannel sets the room's topic (the header) and announcement (the
// status), each only when it differs: Rocket.Chat answers 400 to setting a
// topic to the value it already has.
func (b *Backend) UpdateChannel(ctx context.Context, ch incident.ChannelRef, state incident.ChannelState) error {
	r, err := b.roomInfo(ctx, url.Values{"roomId": {ch.ID}})
	if err != nil {
		return err
	}
	if r == nil || r.Archived {
		return nil
	}
	for _, f := range []struct{ method, key, have, want string }{
		{"setTopic", "topic", r.Topic, state.Header},
		{"setAnnouncement", "announcement", r.Announcement, state.Status},
	} {
		if f.want == "" || f.have == f.want {
			continue
		}
		err := b.call(ctx, f.method+" of "+ch.Name, http.MethodPost, "/api/v1/"+b.kind()+"."+f.method, nil,
			map[string]any{"roomId": ch.ID, f.key: f.want}, nil)
		if status(err) == http.StatusBadRequest && strings.Contains(err.Error(), "same") {
			continue // changed by someone else to the same text meanwhile
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// DeleteChannel removes the room as configured and says what it did.
func (b *Backend) DeleteChannel(ctx context.Context, ch incident.ChannelRef) (string, error) {
	if b.cfg.Delete == DeleteKeep {
		return "kept (chat.rocketchat.delete is keep)", nil
	}
	r, err := b.roomInfo(ctx, url.Values{"roomId": {ch.ID}})
	if err != nil {
		return "", err
	}
	if r == nil {
		return "already deleted", nil
	}
	if b.cfg.Delete == DeletePermanent {
		if err := b.call(ctx, "delete room "+ch.Name, http.MethodPost, "/api/v1/"+b.kind()+".delete", nil,
			map[string]any{"roomId": ch.ID}, nil); err != nil {
			return "", err
		}
		return "deleted permanently", nil
	}
	if r.Archived {
		return "already archived", nil
	}
	err = b.call(ctx, "archive room "+ch.Name, http.MethodPost, "/api/v1/"+b.kind()+".archive", nil, map[string]any{"roomId": ch.ID}, nil)
	if errorType(err) == "error-room-archived" {
		return "already archived", nil
	}
	if err != nil {
		return "", err
	}
	return "archived", nil
}
