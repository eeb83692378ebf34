package mattermost

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// historyPage is the largest page Mattermost serves.
const historyPage = 200

// History calls fn for every post of the channel, oldest first, thread
// replies included. It walks back with the "before" cursor to find the
// oldest post, then forward with "after": two requests per 200 posts, and
// never more than one page in memory.
func (b *Backend) History(ctx context.Context, ch incident.ChannelRef, fn func(archive.Message) error) error {
	oldest, err := b.oldestPost(ctx, ch)
	if err != nil || oldest == nil {
		return err
	}
	if err := b.emit(ctx, ch, oldest, fn); err != nil {
		return err
	}
	cursor := oldest.Id
	for {
		list, resp, err := b.client.GetPostsAfter(ctx, ch.ID, cursor, 0, historyPage, "", false, false)
		if err != nil {
			return classify("read the history of "+ch.Name, resp, err)
		}
		posts := ordered(list)
		for _, p := range posts {
			if err := b.emit(ctx, ch, p, fn); err != nil {
				return err
			}
			cursor = p.Id
		}
		if len(posts) < historyPage {
			return nil
		}
	}
}

// oldestPost finds the channel's first post, or nil for an empty channel.
func (b *Backend) oldestPost(ctx context.Context, ch incident.ChannelRef) (*model.Post, error) {
	var oldest *model.Post
	before := ""
	for {
		var list *model.PostList
		var resp *model.Response
		var err error
		if before == "" {
			list, resp, err = b.client.GetPostsForChannel(ctx, ch.ID, 0, historyPage, "", false, false)
		} else {
			list, resp, err = b.client.GetPostsBefore(ctx, ch.ID, before, 0, historyPage, "", false, false)
		}
		if err != nil {
			if statusOf(err, resp) == http.StatusForbidden {
				return nil, permanent("the bot cannot read %s (%s): it must stay a member of the channel until it is archived", ch.Name, errorID(err))
			}
			return nil, classify("read the history of "+ch.Name, resp, err)
		}
		posts := ordered(list)
		if len(posts) > 0 {
			oldest = posts[0]
			before = oldest.Id
		}
		if len(posts) < historyPage {
			return oldest, nil
		}
	}
}

// ordered returns the posts a PostList lists (not the extra thread roots it
// may carry), oldest first.
func ordered(list *model.PostList) []*model.Post {
	out := make([]*model.Post, 0, len(list.Order))
	for _, id := range list.Order {
		if p := list.Posts[id]; p != nil {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreateAt < out[j].CreateAt })
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
		At: time.UnixMilli(p.CreateAt).UTC(), System: strings.HasPrefix(p.Type, "system_"), Bot: p.UserId == b.botUserID()}
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
