package mattermost

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// manyInvitees is how many people the many-invitee tests and benchmark
// name: 30 by default (the same paths as 150: more than one look-up batch
// is exercised by the benchmark's 150), WARROOM_INVITEES to change it.
func manyInvitees(t testing.TB) int {
	if v := os.Getenv("WARROOM_INVITEES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("WARROOM_INVITEES=%q: want a positive number", v)
		}
		return n
	}
	return 30
}

func newRealBackend(t testing.TB, mm *mmtest.Server) *Backend {
	b, err := New(Config{URL: mm.URL, Token: mm.BotToken, Team: mm.TeamName, PublicURL: "http://warroom.test"},
		slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInviteManyRealMattermost opens a channel for many people on a real
// Mattermost 9.9, among them one outside the team and one the server does
// not know: everyone else is a member once, with one join post each, the
// two are reported, and inviting them all again adds nobody and posts
// nothing.
func TestInviteManyRealMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	names, _ := mm.NewUsers(t, "oncall", manyInvitees(t))
	outsider := mm.NewUser(t, "outsider", false)
	b := newRealBackend(t, mm)
	ctx := context.Background()
	all := append(append([]string{}, names...), outsider.Username, "nobody-here")
	ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: "INC-1", Name: "inc-1-many", DisplayName: "many", Invite: all})
	if err != nil {
		t.Fatal(err)
	}
	r := mmReader{t: t, mm: mm}
	check := func(when string) {
		t.Helper()
		members, err := r.members(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if c := count(members, n); c != 1 {
				t.Errorf("%s: @%s is listed %d times among the members, want once", when, n, c)
			}
		}
		for _, n := range []string{outsider.Username, "nobody-here"} {
			if slices.Contains(members, n) {
				t.Errorf("%s: @%s is a member", when, n)
			}
		}
	}
	check("after the open")
	before, err := r.messages(ctx, ch)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) < len(names) {
		t.Errorf("%d posts in the channel, want at least a join post for each of the %d people", len(before), len(names))
	}
	got, err := b.Invite(ctx, ch, all)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Already, names) || len(got.Added) != 0 || !slices.Equal(got.Unknown, []string{"nobody-here", outsider.Username}) {
		t.Errorf("Invite again = %+v, want all %d already in and the stranger and the outsider unknown", got, len(names))
	}
	check("after inviting again")
	if after, _ := r.messages(ctx, ch); len(after) != len(before) {
		t.Errorf("inviting them again left %d new posts", len(after)-len(before))
	}
}

func count(list []string, v string) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

// BenchmarkInviteRealMattermost invites WARROOM_INVITEES people (30 by
// default) to a fresh channel, in turn through Invite (the users'
// look-up, the members' look-up, one add each) and as the floor: the same
// number of bare POST channels/{id}/members calls with the user IDs
// already known. Each round runs both, so the pair shares the machine's
// moment; it reports each one's milliseconds a round and their ratio.
func BenchmarkInviteRealMattermost(bm *testing.B) {
	mm := mmtest.Start(bm)
	n := manyInvitees(bm)
	names, ids := mm.NewUsers(bm, "oncall", n)
	b := newRealBackend(bm, mm)
	ctx := context.Background()
	round := 0
	fresh := func() incident.ChannelRef {
		round++
		ch, err := b.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: fmt.Sprintf("BENCH-%d", round), Name: fmt.Sprintf("bench-%d", round), DisplayName: "bench"})
		if err != nil {
			bm.Fatal(err)
		}
		return ch
	}
	var adapter, floor time.Duration
	bm.ResetTimer()
	for range bm.N {
		ch := fresh()
		start := time.Now()
		got, err := b.Invite(ctx, ch, names)
		if err != nil || len(got.Added) != n {
			bm.Fatalf("Invite: %d added, %v", len(got.Added), err)
		}
		adapter += time.Since(start)
		ch = fresh()
		start = time.Now()
		for _, id := range ids {
			if code := mm.Do(bm, mm.BotToken, http.MethodPost, "/api/v4/channels/"+ch.ID+"/members", map[string]string{"user_id": id}, nil); code != http.StatusCreated {
				bm.Fatalf("add member: %d", code)
			}
		}
		floor += time.Since(start)
	}
	bm.ReportMetric(float64(adapter.Milliseconds())/float64(bm.N), "adapter-ms/round")
	bm.ReportMetric(float64(floor.Milliseconds())/float64(bm.N), "floor-ms/round")
	bm.ReportMetric(float64(adapter)/float64(floor), "ratio")
}
