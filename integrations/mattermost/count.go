package mattermost

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// sinceLimit is how many changed posts Mattermost answers to since= at
// most (sqlstore GetPostsSince: UpdateAt > since, LIMIT 1000, no ORDER BY).
const sinceLimit = 1000

// countBasis says what Mattermost's number counts. Read in the 9.9 server
// (sqlstore SaveMultiple, Update, Delete): total_msg_count grows by one for
// every post saved, thread replies and system posts included, joins and
// leaves (Post.IsJoinLeaveMessage) not; an edit keeps it (the old text is
// saved as a deleted copy that is not counted); a deletion does not lower it.
//
// It is a floor, not an exact number: a channel update (sqlstore
// Channel.Update, behind PatchChannel) writes back the TotalMsgCount of the
// channel object it read, often from the server's cache, so a header change
// racing with posts loses their increments for good (seen on the real
// server: 10 counted for 11 posts). It never runs ahead of the posts.
const countBasis = "Mattermost total_msg_count, a floor: every post saved, replies and system posts included, joins and leaves not, deleted posts still counted; a channel update racing with posts can set it back"

// Count sets the channel's total_msg_count against a walk. Deleted posts
// stay in that number: those deleted during the walk before it read them
// come with the walk (Tally.Unread); when the walk still falls short, the
// older ones are counted from since= answers as far as they reach (see
// deletedPosts), and the basis says when that may not be far enough. A walk
// that already accounts for the number needs no more. The last look reads
// the posts after the walk's newest.
// A channel that is gone or archived is a KindNotFound error.
func (b *Backend) Count(ctx context.Context, ch incident.ChannelRef, t archive.Tally) (archive.Count, error) {
	c := archive.Count{Accounted: t.Counted, Basis: countBasis, Floor: true}
	channel, resp, err := b.client.GetChannel(ctx, ch.ID)
	if statusOf(err, resp) == http.StatusNotFound || err == nil && channel.DeleteAt != 0 {
		return c, incident.Errorf(incident.KindNotFound, "channel %s is gone or archived: it can no longer change", ch.Name)
	}
	if err != nil {
		return c, classify("read the message count of "+ch.Name, resp, err)
	}
	total, err := b.totalMsgCount(ctx, ch)
	if err != nil {
		return c, err
	}
	c.Server = int(total)
	c.Deleted = len(t.Unread)
	if need := c.Server - c.Accounted - c.Deleted; need > 0 {
		d, err := b.deletedPosts(ctx, ch, channel.CreateAt, t.Began, need)
		if err != nil {
			return c, err
		}
		c.Deleted += d.n
		if d.stuck != "" {
			c.Basis += "; " + d.stuck
		}
	}
	c.Accounted += c.Deleted
	if t.LastID != "" {
		posts, err := b.page(ctx, ch, "&page=0&after="+t.LastID)
		if err != nil {
			return c, err
		}
		c.Newer = len(posts)
	}
	return c, nil
}

// totalMsgCount reads total_msg_count past the server's cache: GET
// /channels/{id} answers a cached channel whose count does not move with
// new posts (localcachelayer Channel.Get; saving a post does not
// invalidate it), while the bot's membership and its unread count are read
// from the database (sqlstore GetMember, GetChannelUnread: TotalMsgCount
// minus the member's MsgCount). The membership is read first: the bot
// never views the channel, so its MsgCount stays put between the two.
func (b *Backend) totalMsgCount(ctx context.Context, ch incident.ChannelRef) (int64, error) {
	botID := b.botUserID()
	if botID == "" {
		me, resp, err := b.client.GetMe(ctx, "")
		if err != nil {
			return 0, classify("read the bot's own account", resp, err)
		}
		botID = me.Id
		b.mu.Lock()
		if b.botID == "" {
			b.botID = me.Id
		}
		b.mu.Unlock()
	}
	member, resp, err := b.client.GetChannelMember(ctx, ch.ID, botID, "")
	if err != nil {
		return 0, classify("read the bot's membership of "+ch.Name, resp, err)
	}
	unread, resp, err := b.client.GetChannelUnread(ctx, ch.ID, botID)
	if err != nil {
		return 0, classify("read the message count of "+ch.Name, resp, err)
	}
	return member.MsgCount + unread.MsgCount, nil
}

// deleted is what the since= count found: n deleted posts, and why the
// count could not find all it needed, if it could not.
type deleted struct {
	n     int
	stuck string
}

// deletedPosts counts the deleted posts of the channel that Mattermost
// still counts and that the walk cannot hold because they changed (a
// deletion sets UpdateAt, and so DeleteAt) before began, the server's clock
// a margin before the walk's first read: no edit's old copy (OriginalId),
// no join or leave. The ones deleted after began the walk sorted out for
// itself (Tally.Unread, see recentDeletions). It stops once need are found.
//
// since=T answers at most 1000 of the posts with UpdateAt > T, deleted ones
// too, and no other call lists deleted posts to a bot that is not a system
// admin (include_deleted needs one). The query has no ORDER BY, and on 9.9
// with PostgreSQL the 1000 of a full answer are not the lowest UpdateAt
// (seen on the real server: live posts first, by CreateAt, as the index
// on ChannelId, DeleteAt, CreateAt reads them). So only a short answer is
// known whole: every post changed after T. The count walks windows
// (since=M-1 after an answer whose newest change is M), then looks for the
// lowest T with a short answer by halving the gap between the last full
// answer and the first short one; it counts every deleted post any answer
// lists, once by ID. A deleted post with 1000 or more changes after it may
// be in no answer at all: the count cannot reach it and says so.
//
// The count can only come out low, never high: each post counted is one the
// server listed as deleted, once, that changed before began. A low count
// fails the check visibly, with the numbers, and it is retried.
func (b *Backend) deletedPosts(ctx context.Context, ch incident.ChannelRef, createdAt int64, began time.Time, need int) (deleted, error) {
	cut := int64(math.MaxInt64)
	if !began.IsZero() {
		cut = began.UnixMilli()
	}
	ids, stuck, err := b.listDeleted(ctx, ch, max(createdAt-1, 1), func(p *model.Post) bool { return p.UpdateAt < cut }, need)
	d := deleted{n: len(ids), stuck: stuck}
	if err == nil && stuck == "" && d.n < need {
		d.stuck = fmt.Sprintf("%d deleted posts found; Mattermost 9.9 lists a deleted post to a bot only among the last %d changes of the channel (since=; include_deleted needs a system admin), so older deletions may not be countable", d.n, sinceLimit)
	}
	return d, err
}

// listDeleted collects the IDs of the deleted posts (no edit's old copy, no
// join or leave) that keep accepts among the since= answers from the time
// from on (see deletedPosts for the walk), until it has need of them (0: as
// many as it can reach). stuck says why it had to stop early.
func (b *Backend) listDeleted(ctx context.Context, ch incident.ChannelRef, from int64, keep func(*model.Post) bool, need int) (ids map[string]bool, stuck string, err error) {
	ids = map[string]bool{}
	enough := func() bool { return need > 0 && len(ids) >= need }
	read := func(at int64) (full bool, newest int64, err error) {
		posts, err := b.since(ctx, ch, at)
		if err != nil {
			return false, 0, err
		}
		newest = at
		for _, p := range posts {
			newest = max(newest, p.UpdateAt)
			if p.DeleteAt > 0 && p.OriginalId == "" && !p.IsJoinLeaveMessage() && keep(p) {
				ids[p.Id] = true
			}
		}
		return len(posts) >= sinceLimit, newest, nil
	}
	lastFull, at := int64(-1), from
	for {
		full, newest, err := read(at)
		if err != nil || enough() {
			return ids, "", err
		}
		if !full {
			break
		}
		lastFull = at
		if at == newest-1 {
			return ids, fmt.Sprintf("deleted posts counted up to %s only: %d or more posts changed in that one millisecond, which since= cannot page past",
				time.UnixMilli(newest).UTC().Format(time.RFC3339Nano), sinceLimit), nil
		}
		at = newest - 1
	}
	for lo, hi := lastFull, at; lo >= 0 && hi-lo > 1 && !enough(); { // the lowest time with a short answer
		mid := lo + (hi-lo)/2
		full, _, err := read(mid)
		if err != nil {
			return ids, "", err
		}
		if full {
			lo = mid
		} else {
			hi = mid
		}
	}
	return ids, "", nil
}

// since reads the posts of the channel changed after a time, deleted ones
// too (not the thread roots the answer adds for context).
func (b *Backend) since(ctx context.Context, ch incident.ChannelRef, at int64) ([]*model.Post, error) {
	r, err := b.client.DoAPIGet(ctx, "/channels/"+ch.ID+"/posts?since="+strconv.FormatInt(at, 10), "")
	if err != nil {
		return nil, classify("look for deleted posts of "+ch.Name, model.BuildResponse(r), err)
	}
	defer r.Body.Close()
	var list model.PostList
	if err := decodeJSON(r.Body, &list); err != nil {
		return nil, incident.Errorf(incident.KindTransient, "look for deleted posts of %s: %w", ch.Name, err)
	}
	out := make([]*model.Post, 0, len(list.Order))
	for _, id := range list.Order {
		if p := list.Posts[id]; p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// clockMargin is how far before the server's clock a walk says it began: a
// deletion takes its time before its transaction commits, and one that
// committed after the walk read the post must not count as deleted before.
const clockMargin = 10 * time.Second

// recentDeletions lists the posts deleted since began, read right after
// the walk back, for the walk to strike out those it read. A post in the
// list the walk did not read was deleted before it got there (nothing else
// hides a post from the walk). Deletions after this read are counted
// nowhere, so the check comes out short, visibly, and a retry sorts them
// out. It reads since= as deletedPosts does, so a deletion with 1000 or
// more changes after it may be missed, with the same result.
func (b *Backend) recentDeletions(ctx context.Context, ch incident.ChannelRef, began time.Time) (map[string]bool, error) {
	cut := began.UnixMilli()
	ids, _, err := b.listDeleted(ctx, ch, cut-1, func(p *model.Post) bool { return p.UpdateAt >= cut }, 0)
	return ids, err
}

// serverTime is the Mattermost server's clock, from the Date header of a
// ping (whole seconds, cut down), less clockMargin: a time before any read
// that follows it.
func (b *Backend) serverTime(ctx context.Context) (time.Time, error) {
	r, err := b.client.DoAPIGet(ctx, "/system/ping", "")
	if err != nil {
		return time.Time{}, classify("read the chat server's clock", model.BuildResponse(r), err)
	}
	defer r.Body.Close()
	_, _ = io.Copy(io.Discard, r.Body)
	at, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return time.Time{}, incident.Errorf(incident.KindTransient, "read the chat server's clock: the ping's Date header %q: %w", r.Header.Get("Date"), err)
	}
	return at.UTC().Add(-clockMargin), nil
}
