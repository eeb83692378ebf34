package mattermost

import (
	"context"
	"math"
	"sort"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/internal/backspool"
)

// defaultHistoryWalks is how many parts of a long channel are walked at
// once. A before= page costs Mattermost about twice a plain page (it
// counts each post's replies), so one walk is slower than a plain listing;
// a few walks side by side use the server's idle cores.
const defaultHistoryWalks = 4

// historyPart is one part of a channel's history, walked on its own: the
// posts older than the millisecond of the post from (every post, from the
// newest, when from is ""), down to and including the millisecond stop
// (0: down to the oldest post). The parts of one walk meet at milliseconds,
// so each post is in exactly one part, whatever the order of the posts
// that share a millisecond.
type historyPart struct {
	from string
	stop int64
}

func (b *Backend) walks() int {
	if b.historyWalks > 0 {
		return b.historyWalks
	}
	return defaultHistoryWalks
}

// parts cuts the channel into parts of about equal length at posts found
// by offset (one post per offset, newest first). The offsets only have to
// be about right: posts that arrive or go meanwhile move the cuts, never
// the completeness, because a part is bounded by time, not by count.
func (b *Backend) parts(ctx context.Context, ch incident.ChannelRef) ([]historyPart, error) {
	walks := b.walks()
	if walks <= 1 {
		return []historyPart{{}}, nil
	}
	n, err := b.totalMsgCount(ctx, ch)
	if err != nil {
		return nil, err
	}
	walks = min(walks, int(n/int64(b.perPage()))) // at least a page each
	if walks <= 1 {
		return []historyPart{{}}, nil
	}
	type cut struct {
		id string
		at int64
	}
	var cuts []cut
	for j := 1; j < walks; j++ {
		posts, err := b.list(ctx, ch, 1, "&page="+strconv.FormatInt(n*int64(j)/int64(walks), 10))
		if err != nil {
			return nil, err
		}
		if len(posts) == 1 {
			cuts = append(cuts, cut{posts[0].Id, posts[0].CreateAt})
		}
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].at > cuts[j].at })
	parts := []historyPart{{}}
	prev := int64(math.MaxInt64)
	for _, c := range cuts {
		if c.at >= prev {
			continue // the millisecond of the cut before: nothing between them
		}
		parts[len(parts)-1].stop = c.at
		parts = append(parts, historyPart{from: c.id})
		prev = c.at
	}
	return parts, nil
}

// walkParts walks the parts side by side, each spooled to its own file,
// and returns the spools in the parts' order (the caller closes them) and
// the edge of the newest millisecond.
func (b *Backend) walkParts(ctx context.Context, ch incident.ChannelRef, parts []historyPart) ([]*backspool.Spool, edge, error) {
	spools := make([]*backspool.Spool, 0, len(parts))
	for range parts {
		sp, err := backspool.New("")
		if err != nil {
			return spools, edge{}, err
		}
		spools = append(spools, sp)
	}
	var top edge
	g, gctx := errgroup.WithContext(ctx)
	for i, part := range parts {
		g.Go(func() error {
			e, err := b.walkBack(gctx, ch, part, spools[i])
			if i == 0 {
				top = e
			}
			return err
		})
	}
	err := g.Wait()
	return spools, top, err
}
