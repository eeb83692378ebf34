package mattermost

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// realChannel makes a channel on the real server with alice in it and
// writes n posts as alice, 16 at a time so that many share a millisecond.
// It returns the channel and the IDs of the posts written.
func realChannel(t testing.TB, mm *mmtest.Server, n int) (incident.ChannelRef, []string) {
	t.Helper()
	var ch struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	name := fmt.Sprintf("hist-%d-%d-%d", n, os.Getpid(), time.Now().UnixNano()%100000)
	if code := mm.Do(t, mm.AdminToken, http.MethodPost, "/api/v4/channels",
		map[string]any{"team_id": mm.TeamID, "name": name, "display_name": name, "type": "O"}, &ch); code != http.StatusCreated {
		t.Fatalf("create channel: %d", code)
	}
	for _, uid := range []string{mm.User.ID, mm.BotUserID} {
		if code := mm.Do(t, mm.AdminToken, http.MethodPost, "/api/v4/channels/"+ch.ID+"/members", map[string]string{"user_id": uid}, nil); code != http.StatusCreated {
			t.Fatalf("add %s to the channel: %d", uid, code)
		}
	}
	ref := incident.ChannelRef{Backend: "mattermost", ID: ch.ID, Name: ch.Name}
	return ref, writePosts(t, mm, ref, 0, n)
}

// writePosts writes n posts as alice into the channel, 16 at a time,
// numbered from the first, and returns their IDs.
func writePosts(t testing.TB, mm *mmtest.Server, ch incident.ChannelRef, first, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := model.NewAPIv4Client(mm.URL)
			c.SetToken(mm.User.Token)
			for i := w; i < n; i += 16 {
				p, _, err := c.CreatePost(context.Background(), &model.Post{ChannelId: ch.ID, Message: "post " + strconv.Itoa(first+i)})
				if err != nil {
					errs <- err
					return
				}
				ids[i] = p.Id
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ids
}

// naiveWalk is the walk warroom used to do: before=<oldest post of the
// page>. It shows whether the channel has ties at page boundaries.
func naiveWalk(t testing.TB, mm *mmtest.Server, ch incident.ChannelRef, per int) int {
	c := model.NewAPIv4Client(mm.URL)
	c.SetToken(mm.BotToken)
	seen := map[string]bool{}
	list, _, err := c.GetPostsForChannel(context.Background(), ch.ID, 0, per, "", false, false)
	for err == nil {
		posts := ordered(list)
		for _, p := range posts {
			seen[p.Id] = true
		}
		if len(posts) < per {
			break
		}
		list, _, err = c.GetPostsBefore(context.Background(), ch.ID, posts[0].Id, 0, per, "", false, false)
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(seen)
}

// TestHistoryRealMattermostTies writes 2 400 posts 16 at a time into a real
// Mattermost 9.9 and reads them back in pages of 50: every post exactly
// once, oldest first, and the count check agrees with total_msg_count. The
// old before-cursor walk over the same channel must lose posts, which
// proves that ties fell on page boundaries.
func TestHistoryRealMattermostTies(t *testing.T) {
	const n, per = 2400, 50
	mm := mmtest.Start(t)
	ch, ids := realChannel(t, mm, n)
	b, err := New(Config{URL: mm.URL, Token: mm.BotToken, Team: mm.TeamName}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.historyPage = per
	got := map[string]int{}
	var last int64
	people := 0
	tally, err := b.History(context.Background(), ch, func(m archive.Message) error {
		got[m.ID]++
		if at := m.At.UnixMilli(); at < last {
			t.Fatalf("%s at %d after %d: not oldest first", m.ID, at, last)
		} else {
			last = at
		}
		if !m.System {
			people++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if got[id] != 1 {
			t.Errorf("post %d (%s) read %d times, want once", i, id, got[id])
		}
	}
	if people != n {
		t.Errorf("%d posts by people read, want %d", people, n)
	}
	c, err := b.Count(context.Background(), ch, tally)
	if err != nil {
		t.Fatal(err)
	}
	c.Archived = tally.Messages
	if !c.Complete() || c.Server != n {
		t.Errorf("count check: %s; want complete at %d", c, n)
	}
	naive := naiveWalk(t, mm, ch, per)
	t.Logf("%d posts; warroom read %d (%d counted, check: %s); the old walk read %d", n, tally.Messages, tally.Counted, c, naive)
	if naive >= tally.Messages {
		t.Errorf("the old walk read %d of %d posts: no ties fell on page boundaries, so this test proves nothing; write faster", naive, tally.Messages)
	}
}

// TestHistoryRealMattermostDeletionsAndArrivals: on a real server,
// deleted posts stay in total_msg_count and are accounted for (by since=);
// a post written after the walk makes the check fail with the numbers.
func TestHistoryRealMattermostDeletionsAndArrivals(t *testing.T) {
	const n = 120
	mm := mmtest.Start(t)
	ch, ids := realChannel(t, mm, n)
	token := mm.BotToken
	c4 := model.NewAPIv4Client(mm.URL)
	c4.SetToken(mm.User.Token)
	for _, i := range []int{3, 60, n - 1} {
		if _, err := c4.DeletePost(context.Background(), ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	edited := "post 7, edited"
	if _, _, err := c4.PatchPost(context.Background(), ids[7], &model.PostPatch{Message: &edited}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c4.CreatePost(context.Background(), &model.Post{ChannelId: ch.ID, RootId: ids[10], Message: "a reply"}); err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{URL: mm.URL, Token: token, Team: mm.TeamName}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.historyPage = 25
	texts, tally, c := archiveCheck(t, b, ch)
	if len(texts) != n-2 || !c.Complete() || c.Deleted != 3 || c.Server != n+1 {
		t.Fatalf("%d messages by people (want %d: %d - 3 deleted + 1 reply); tally %+v check %+v", len(texts), n-2, n, tally, c)
	}
	for _, text := range texts {
		if text == "post 3" || text == "post 60" {
			t.Errorf("deleted post %q in the transcript", text)
		}
	}
	if _, _, err := c4.CreatePost(context.Background(), &model.Post{ChannelId: ch.ID, Message: "too late"}); err != nil {
		t.Fatal(err)
	}
	if c, err = b.Count(context.Background(), ch, tally); err != nil || c.Complete() || c.Newer != 1 || c.Server != n+2 {
		t.Fatalf("after a late post the check says %+v, %v; want incomplete, 1 newer", c, err)
	}
}
