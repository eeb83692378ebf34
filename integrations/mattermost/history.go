package mattermost

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/backspool"
)

// maxHistoryPage is the largest page Mattermost serves.
const maxHistoryPage = 200

func (b *Backend) perPage() int {
	if b.historyPage > 0 {
		return min(b.historyPage, maxHistoryPage)
	}
	return maxHistoryPage
}

// History calls fn for every post of the channel, oldest first, thread
// replies included, each exactly once. It reads the channel once, with
// before/after cursors chosen so that no post can be skipped.
//
// Mattermost 9.9 pages by create_at alone: before=<id> answers posts with
// CreateAt < that post's CreateAt, ordered by CreateAt only, so posts that
// share a millisecond with the cursor post are skipped, and offsets (page=)
// among equal CreateAt have no defined order (sqlstore getPostsAround). So
// the next cursor is never a post of the page's oldest millisecond: it is
// the oldest post of the page that is newer than that millisecond, the next
// page starts with that whole millisecond again, and the posts already
// read there are dropped by ID. A page whose posts all share one
// millisecond falls back to page= under the same cursor (the completeness
// check catches that rare case if the server reorders such a page).
//
// The walk goes back from the newest post, spooling the raw posts to a
// temporary file, then hands them out oldest first; posts that arrived
// meanwhile are read forward from the walk's newest millisecond the same
// way. Nothing grows with the channel but the file.
func (b *Backend) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) (archive.Tally, error) {
	var t archive.Tally
	began, err := b.serverTime(ctx)
	if err != nil {
		return t, err
	}
	t.Began = began
	parts, err := b.parts(ctx, ch)
	if err != nil {
		return t, err
	}
	spools, top, err := b.walkParts(ctx, ch, parts)
	defer func() {
		for _, sp := range spools {
			sp.Close()
		}
	}()
	if err != nil {
		return t, err
	}
	recent, err := b.recentDeletions(ctx, ch, began)
	if err != nil {
		return t, err
	}
	emit := func(p *model.Post) error {
		if err := b.emit(ctx, ch, p, fn); err != nil {
			return err
		}
		delete(recent, p.Id) // read before it was deleted: in the walk
		t.Messages++
		if !p.IsJoinLeaveMessage() {
			t.Counted++
		}
		t.LastID, t.LastAt = p.Id, time.UnixMilli(p.CreateAt).UTC()
		return nil
	}
	// The parts are newest first, each spooled newest first: hand them
	// out from the oldest part on, each reversed.
	for i := len(spools) - 1; i >= 0 && err == nil; i-- {
		err = spools[i].Reverse(func(rec []byte) error {
			var p model.Post
			if err := json.Unmarshal(rec, &p); err != nil {
				return fmt.Errorf("read the history's temporary file: %w", err)
			}
			return emit(&p)
		})
	}
	if err == nil && top.anchor != "" {
		err = b.walkForward(ctx, ch, top, emit)
	}
	for id := range recent {
		t.Unread = append(t.Unread, id)
	}
	sort.Strings(t.Unread)
	return t, err
}

// edge is where a walk stopped: a cursor post older than the edge
// millisecond, and the IDs already read at that millisecond.
type edge struct {
	anchor string
	at     int64
	seen   map[string]bool
}

// page reads one page of posts, oldest first. It never asks for deleted
// posts: with include_deleted Mattermost 9.9 orders a before/after page by
// DeleteAt first (sqlstore getPostsAround: ORDER BY ChannelId, DeleteAt,
// CreateAt), so deleted posts come after every live one and the pages are
// no longer runs of time. (Nor skipFetchThreads: it makes the server count
// every post's replies, which is slower.)
func (b *Backend) page(ctx context.Context, ch incident.ChannelRef, query string) ([]*model.Post, error) {
	return b.list(ctx, ch, b.perPage(), query)
}

// list reads per posts of the channel, oldest first.
func (b *Backend) list(ctx context.Context, ch incident.ChannelRef, per int, query string) ([]*model.Post, error) {
	r, err := b.client.DoAPIGet(ctx, "/channels/"+ch.ID+"/posts?per_page="+strconv.Itoa(per)+query, "")
	if err != nil {
		resp := model.BuildResponse(r)
		if statusOf(err, resp) == http.StatusForbidden {
			return nil, permanent("the bot cannot read %s (%s): it must stay a member of the channel until it is archived", ch.Name, errorID(err))
		}
		return nil, classify("read the history of "+ch.Name, resp, err)
	}
	defer r.Body.Close()
	var list model.PostList
	if err := decodeJSON(r.Body, &list); err != nil {
		return nil, incident.Errorf(incident.KindTransient, "read the history of %s: %w", ch.Name, err)
	}
	return ordered(&list), nil
}

func decodeJSON(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }

// walkBack spools one part of the channel's posts newest first: those
// older than the part's first cursor (all, from the newest, when it has
// none) down to its stop millisecond. The part from the newest post
// returns the edge of the newest millisecond, where the forward look
// starts.
func (b *Backend) walkBack(ctx context.Context, ch incident.ChannelRef, part historyPart, sp *backspool.Spool) (edge, error) {
	var top edge
	seen := map[string]bool{}
	anchor, offset := part.from, 0
	for first := true; ; first = false {
		q := "&page=" + strconv.Itoa(offset)
		if anchor != "" {
			q += "&before=" + anchor
		}
		posts, err := b.page(ctx, ch, q)
		if err != nil {
			return top, err
		}
		for i := len(posts) - 1; i >= 0; i-- {
			p := posts[i]
			if seen[p.Id] || p.CreateAt < part.stop {
				continue
			}
			if anchor == "" {
				p.ReplyCount = -1 // the plain listing does not count replies
			}
			raw, err := json.Marshal(p)
			if err != nil {
				return top, fmt.Errorf("spool post %s: %w", p.Id, err)
			}
			if err := sp.Add(raw); err != nil {
				return top, err
			}
			if part.from == "" && !first && p.CreateAt == top.at {
				top.seen[p.Id] = true
			}
		}
		if len(posts) == 0 {
			return top, nil
		}
		if part.from == "" {
			if first {
				top = edgeAtNewest(posts)
			} else if top.anchor == "" {
				top.anchor = newestBefore(posts, top.at)
			}
		}
		// A page holds every post newer than its oldest millisecond and
		// older than the cursor: once that millisecond is below the
		// part's stop, the part is whole.
		if len(posts) < b.perPage() || posts[0].CreateAt < part.stop {
			return top, nil
		}
		oldest := posts[0].CreateAt
		next := ""
		for _, p := range posts { // the oldest post newer than the oldest millisecond
			if p.CreateAt > oldest {
				next = p.Id
				break
			}
		}
		if next == "" {
			offset++ // one millisecond fills the page: page on under the same cursor
		} else {
			anchor, offset = next, 0
			clear(seen)
		}
		for _, p := range posts {
			if p.CreateAt == oldest {
				seen[p.Id] = true
			}
		}
	}
}

// edgeAtNewest is the edge at the newest millisecond of a page.
func edgeAtNewest(posts []*model.Post) edge {
	e := edge{at: posts[len(posts)-1].CreateAt, seen: map[string]bool{}}
	for _, p := range posts {
		if p.CreateAt == e.at {
			e.seen[p.Id] = true
		}
	}
	e.anchor = newestBefore(posts, e.at)
	return e
}

// newestBefore is the newest post of a page older than at, or "".
func newestBefore(posts []*model.Post, at int64) string {
	for i := len(posts) - 1; i >= 0; i-- {
		if posts[i].CreateAt < at {
			return posts[i].Id
		}
	}
	return ""
}

// walkForward reads the posts from the edge on, oldest first, and hands
// out those not read yet: the posts that arrived during the walk.
func (b *Backend) walkForward(ctx context.Context, ch incident.ChannelRef, e edge, emit func(*model.Post) error) error {
	anchor, offset, seen := e.anchor, 0, e.seen
	for {
		posts, err := b.page(ctx, ch, "&page="+strconv.Itoa(offset)+"&after="+anchor)
		if err != nil {
			return err
		}
		for _, p := range posts {
			if !seen[p.Id] {
				if err := emit(p); err != nil {
					return err
				}
			}
		}
		if len(posts) < b.perPage() {
			return nil
		}
		newest := posts[len(posts)-1].CreateAt
		if next := newestBefore(posts, newest); next == "" {
			offset++
		} else {
			anchor, offset = next, 0
			seen = map[string]bool{}
		}
		for _, p := range posts {
			if p.CreateAt == newest {
				seen[p.Id] = true
			}
		}
	}
}

// ordered returns the posts a PostList lists (not the extra thread roots it
// may carry), oldest first; posts of one millisecond by ID.
func ordered(list *model.PostList) []*model.Post {
	out := make([]*model.Post, 0, len(list.Order))
	for _, id := range list.Order {
		if p := list.Posts[id]; p != nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreateAt != out[j].CreateAt {
			return out[i].CreateAt < out[j].CreateAt
		}
		return out[i].Id < out[j].Id
	})
	return out
}

// emit converts one post for the transcript: author by username, replies
// with their thread, final text marked edited, reactions, system messages,
// files (the bytes copied when within max_file_bytes).
func (b *Backend) emit(ctx context.Context, ch incident.ChannelRef, p *model.Post, fn func(archive.Message) error) error {
	author, err := b.username(ctx, p.UserId)
	if err != nil {
		return err
	}
	if o, ok := p.GetProp("override_username").(string); ok && o != "" {
		author = o
	}
	m := archive.Message{ID: p.Id, ThreadID: p.RootId, Author: author, Text: p.Message + attachmentText(p),
		At: time.UnixMilli(p.CreateAt).UTC(), System: strings.HasPrefix(p.Type, "system_"), Bot: p.UserId == b.botUserID(),
		NoReplies: p.RootId == "" && p.ReplyCount == 0}
	if p.EditAt > 0 {
		t := time.UnixMilli(p.EditAt).UTC()
		m.EditedAt = &t
	}
	if m.Reactions, err = b.reactions(ctx, p); err != nil {
		return err
	}
	if m.Files, err = b.files(ctx, p); err != nil {
		return err
	}
	return fn(m)
}

// attachmentText renders a post's message attachments as text lines, so the
// transcript holds what people saw on cards.
func attachmentText(p *model.Post) string {
	var b strings.Builder
	for _, a := range p.Attachments() {
		for _, s := range []string{a.Pretext, a.Title, a.Text} {
			if s != "" {
				b.WriteString("\n> " + strings.ReplaceAll(s, "\n", "\n> "))
			}
		}
		for _, f := range a.Fields {
			fmt.Fprintf(&b, "\n> %s: %v", f.Title, f.Value)
		}
	}
	return b.String()
}

func (b *Backend) reactions(ctx context.Context, p *model.Post) ([]archive.Reaction, error) {
	var list []*model.Reaction
	if p.Metadata != nil {
		list = p.Metadata.Reactions
	}
	if list == nil && p.HasReactions {
		var resp *model.Response
		var err error
		if list, resp, err = b.client.GetReactions(ctx, p.Id); err != nil {
			return nil, classify("read reactions", resp, err)
		}
	}
	byEmoji := map[string]*archive.Reaction{}
	var out []archive.Reaction
	for _, r := range list {
		name, err := b.username(ctx, r.UserId)
		if err != nil {
			return nil, err
		}
		if byEmoji[r.EmojiName] == nil {
			out = append(out, archive.Reaction{Emoji: r.EmojiName})
			byEmoji[r.EmojiName] = &out[len(out)-1]
		}
		re := byEmoji[r.EmojiName]
		re.Users = append(re.Users, name)
	}
	return out, nil
}

func (b *Backend) files(ctx context.Context, p *model.Post) ([]archive.File, error) {
	if len(p.FileIds) == 0 {
		return nil, nil
	}
	var infos []*model.FileInfo
	if p.Metadata != nil {
		infos = p.Metadata.Files
	}
	if len(infos) == 0 {
		var resp *model.Response
		var err error
		if infos, resp, err = b.client.GetFileInfosForPost(ctx, p.Id, ""); err != nil {
			return nil, classify("read file infos", resp, err)
		}
	}
	out := make([]archive.File, 0, len(infos))
	for _, fi := range infos {
		f := archive.File{Name: fi.Name, Size: fi.Size, Type: fi.MimeType}
		if fi.Size > b.cfg.MaxFileBytes {
			f.NotCopied = fmt.Sprintf("larger than chat.mattermost.max_file_bytes (%d)", b.cfg.MaxFileBytes)
		} else {
			data, resp, err := b.client.GetFile(ctx, fi.Id)
			if err != nil {
				return nil, classify("download "+fi.Name, resp, err)
			}
			f.Data = data
		}
		out = append(out, f)
	}
	return out, nil
}
