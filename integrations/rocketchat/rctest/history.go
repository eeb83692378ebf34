package rctest

import (
	"encoding/json"
	"slices"
	"time"
)

// newestFirst sorts messages by ts descending, later saves first on ties.
func newestFirst(a, b *message) int {
	if c := b.ts.Compare(a.ts); c != 0 {
		return c
	}
	return int(b.seq - a.seq)
}

func oldestFirst(a, b *message) int { return newestFirst(b, a) }

// history is channels.history / groups.history: {"messages": [...]}
// newest first, no count/total. latest/oldest (ISO dates, exclusive unless
// inclusive=true) bound ts; without latest nothing is cut at the top (a
// frozen test clock would otherwise hide every message). Thread replies
// are left out unless showThreadMessages=true (or sent with tshow).
// offset/count page as everywhere (count 0: no limit). Works on archived
// rooms. Public channels are readable without joining them (canReadRoom
// is canAccessRoom there); a private group is not found for non-members.
func (s *Server) history(k kind) handler {
	return func(c *call) (map[string]any, error) {
		r, err := s.findRoom(c, k, false)
		if err != nil {
			return nil, err
		}
		if !s.canAccess(c.user, r) {
			return nil, s.forbidden()
		}
		inclusive := c.query("inclusive") == "true"
		var latest, oldest time.Time
		for _, f := range []struct {
			key string
			dst *time.Time
		}{{"latest", &latest}, {"oldest", &oldest}} {
			if v := c.query(f.key); v != "" {
				t, ok := parseJSDate(v)
				if !ok {
					return nil, invalidParams(f.key + ` must match format "date-time"`)
				}
				*f.dst = t
			}
		}
		threads := c.query("showThreadMessages") == "true"
		var out []*message
		for _, m := range r.msgs {
			switch {
			case m.tmid != "" && !m.tshow && !threads:
				continue
			case !latest.IsZero() && (m.ts.After(latest) || m.ts.Equal(latest) && !inclusive):
				continue
			case !oldest.IsZero() && (m.ts.Before(oldest) || m.ts.Equal(oldest) && !inclusive):
				continue
			}
			out = append(out, m)
		}
		slices.SortStableFunc(out, newestFirst)
		return map[string]any{"messages": messagesJSON(pageOf(out, c.page()))}, nil
	}
}

// roomMessages is channels.messages / groups.messages: every message of
// the room (thread replies included), newest first unless sort says
// otherwise ({"ts":1}), paged, with count, offset and total; pinned=true
// keeps pinned ones. channels.messages reads
// roomId only and, for a caller holding view-joined-room (the bot role
// does), answers 403 unless the caller is a member.
func (s *Server) roomMessages(k kind) handler {
	return func(c *call) (map[string]any, error) {
		if k.t == TypeChannel {
			q := c.r.URL.Query()
			q.Del("roomName")
			c.r.URL.RawQuery = q.Encode()
		}
		r, err := s.findRoom(c, k, false)
		if err != nil {
			return nil, err
		}
		if k.t == TypeChannel && s.can(c.user, "view-joined-room", nil) && r.member(c.user) == nil {
			return nil, s.forbidden()
		}
		order, err := c.sortOrder(newestFirst)
		if err != nil {
			return nil, err
		}
		pinned := c.query("pinned") == "true"
		var out []*message
		for _, m := range r.msgs {
			if !pinned || m.pinned != nil && *m.pinned {
				out = append(out, m)
			}
		}
		slices.SortStableFunc(out, order)
		p := c.page()
		got := pageOf(out, p)
		return map[string]any{"messages": messagesJSON(got), "count": len(got), "offset": p.offset, "total": len(out)}, nil
	}
}

// threadMessages is chat.getThreadMessages?tmid=…: the replies, oldest
// first unless sort says otherwise, paged, with count, offset and total. Unknown tmid: 400
// error-invalid-message.
func (s *Server) threadMessages(c *call) (map[string]any, error) {
	tmid := c.query("tmid")
	if tmid == "" {
		return nil, invalidParams("must have required property 'tmid'")
	}
	parent := s.msgs[tmid]
	if parent == nil {
		return nil, meteorError("error-invalid-message", "Invalid Message", nil)
	}
	r := s.roomByID(parent.rid)
	if !s.canAccess(c.user, r) {
		return nil, meteorError("error-not-allowed", "Not Allowed", nil)
	}
	order, err := c.sortOrder(oldestFirst)
	if err != nil {
		return nil, err
	}
	var out []*message
	for _, m := range r.msgs {
		if m.tmid == tmid {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, order)
	p := c.page()
	got := pageOf(out, p)
	return map[string]any{"messages": messagesJSON(got), "count": len(got), "offset": p.offset, "total": len(out)}, nil
}

// syncMessages is chat.syncMessages?roomId=…&lastUpdate=ISO: the messages
// changed after lastUpdate — new, edited, reacted to, pinned — newest
// first, in {"result": {"updated": [...], "deleted": []}}. It is how code
// discovers reactions, which no webhook carries.
func (s *Server) syncMessages(c *call) (map[string]any, error) {
	rid := c.query("roomId")
	if rid == "" {
		return nil, meteorError("error-param-required", `The required "roomId" query param is missing`, nil)
	}
	v := c.query("lastUpdate")
	if v == "" {
		return nil, meteorError("error-param-required", `The "type" or "lastUpdate" parameters must be provided`, nil)
	}
	since, ok := parseJSDate(v)
	if !ok {
		return nil, meteorError("error-lastUpdate-param-invalid", `The "lastUpdate" query parameter must be a valid date`, nil)
	}
	r := s.roomByID(rid)
	if r == nil || !s.canAccess(c.user, r) {
		return nil, failureEmpty()
	}
	var out []*message
	for _, m := range r.msgs {
		if m.updated.After(since) {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, newestFirst)
	return map[string]any{"result": map[string]any{"updated": messagesJSON(out), "deleted": []any{}}}, nil
}

func messagesJSON(ms []*message) []any {
	out := make([]any, 0, len(ms))
	for _, m := range ms {
		out = append(out, messageJSON(m))
	}
	return out
}

// sortOrder is parseJsonQuery's sort for message lists: a JSON object such
// as {"ts":1} or {"ts":-1} (also "_updatedAt"); def when absent. Other
// keys are ignored; malformed JSON is 400 error-invalid-sort.
func (c *call) sortOrder(def func(a, b *message) int) (func(a, b *message) int, error) {
	v := c.query("sort")
	if v == "" {
		return def, nil
	}
	var spec map[string]int
	if err := json.Unmarshal([]byte(v), &spec); err != nil {
		return nil, meteorError("error-invalid-sort", `Invalid sort parameter provided: "`+v+`"`, map[string]any{"helperMethod": "parseJsonQuery"})
	}
	key, dir := "", 0
	for _, k := range []string{"ts", "_updatedAt"} {
		if d, ok := spec[k]; ok {
			key, dir = k, d
			break
		}
	}
	if key == "" {
		return def, nil
	}
	if dir != 1 && dir != -1 {
		return nil, meteorError("error-invalid-sort", `Invalid sort parameter provided: "`+v+`"`, map[string]any{"helperMethod": "parseJsonQuery"})
	}
	return func(a, b *message) int {
		ta, tb := a.ts, b.ts
		if key == "_updatedAt" {
			ta, tb = a.updated, b.updated
		}
		if c := ta.Compare(tb); c != 0 {
			return c * dir
		}
		return int(a.seq-b.seq) * dir
	}, nil
}
