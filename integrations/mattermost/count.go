package mattermost

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// sinceLimit is how many changed posts Mattermost answers to since= at
// most (sqlstore GetPostsSince: LIMIT 1000, in no defined order).
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
// stay in that number, so they are counted from since=<channel created>,
// which returns deleted posts too, when the channel has fewer than 1000
// changed posts (no other call counts them: include_deleted breaks the
// order of the pages, see page). The last look reads the posts after the
// walk's newest.
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
	if total < sinceLimit {
		deleted, complete, err := b.deletedPosts(ctx, ch, channel.CreateAt)
		if err != nil {
			return c, err
		}
		if complete {
			c.Deleted = deleted
		}
	}
	if c.Server != c.Accounted+c.Deleted && c.Deleted == 0 && total >= sinceLimit {
		c.Basis += fmt.Sprintf("; deleted posts cannot be counted in a channel of over %d posts, so a difference may be deleted posts", sinceLimit)
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

// deletedPosts counts the deleted posts of the channel that Mattermost
// still counts; complete is false when the answer may be cut off.
func (b *Backend) deletedPosts(ctx context.Context, ch incident.ChannelRef, createdAt int64) (n int, complete bool, err error) {
	r, err := b.client.DoAPIGet(ctx, "/channels/"+ch.ID+"/posts?since="+strconv.FormatInt(max(createdAt-1, 1), 10), "")
	if err != nil {
		return 0, false, classify("look for deleted posts of "+ch.Name, model.BuildResponse(r), err)
	}
	defer r.Body.Close()
	var list model.PostList
	if err := decodeJSON(r.Body, &list); err != nil {
		return 0, false, incident.Errorf(incident.KindTransient, "look for deleted posts of %s: %w", ch.Name, err)
	}
	for _, id := range list.Order {
		p := list.Posts[id]
		if p != nil && p.DeleteAt > 0 && p.OriginalId == "" && !p.IsJoinLeaveMessage() {
			n++
		}
	}
	return n, len(list.Order) < sinceLimit, nil
}
