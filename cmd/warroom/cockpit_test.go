package main

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/jira/jiratest"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// offsetClock is the wall clock moved forward by hand: the service keeps
// running on real time (retries, leases), and a test jumps it past a
// status cadence instead of waiting for it.
type offsetClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.off)
}

func (c *offsetClock) add(d time.Duration) { c.mu.Lock(); c.off += d; c.mu.Unlock() }

// clockedHarness is a harness whose service runs on an offsetClock, with
// the reminder singleton's step at hand.
type clockedHarness struct {
	*harness
	clock *offsetClock
	main  *Main
}

// startClocked is startHarnessOn on an offsetClock.
func startClocked(t *testing.T, cfg Config, ln net.Listener) *clockedHarness {
	t.Helper()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	clock := &offsetClock{}
	ctx, cancel := context.WithCancel(context.Background())
	m, err := newMainClock(ctx, cfg, ln, testLogWriter{t}, clock)
	if err != nil {
		cancel()
		t.Fatalf("NewMain: %v", err)
	}
	// The test takes the reminder singleton's step itself (later), so no
	// sweep on the wall clock's schedule races it.
	m.background = slices.DeleteFunc(m.background, func(b backgroundTask) bool { return b.name == leaseReminders })
	jar, _ := cookiejar.New(nil)
	h := &harness{t: t, URL: "http://" + m.Addr(), cfg: cfg, cancel: cancel, done: make(chan error, 1), client: noRedirectClient(jar)}
	go func() { h.done <- m.Run(ctx); m.Close() }()
	t.Cleanup(h.stop)
	h.waitFor("readyz", func() bool { code, _ := h.do("GET", "/readyz", nil, nil); return code == 200 })
	return &clockedHarness{harness: h, clock: clock, main: m}
}

// later moves the clock forward by d once every job is done (a job
// running across the jump would find its lease expired), then sends the
// reminders due, as the reminder singleton does every 30s, and waits for
// their posts. It returns how many incidents it reminded.
func (c *clockedHarness) later(key string, d time.Duration) int {
	c.t.Helper()
	c.waitJobsDone(key)
	c.clock.add(d)
	n, err := c.main.remindDue(context.Background())
	if err != nil {
		c.t.Fatalf("remind: %v", err)
	}
	c.waitJobsDone(key)
	return n
}

// metric is the value of one /metrics line (its name with labels), "" when
// it is missing.
func (h *harness) metric(line string) string {
	h.t.Helper()
	_, body := h.do("GET", "/metrics", nil, nil)
	for _, l := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(l, line+" "); ok {
			return v
		}
	}
	return ""
}

// cockpitChat is what the cockpit tests do in a chat backend as alice.
type cockpitChat interface {
	command(t *testing.T, room, text string)
	// channel is what the channel shows: its header and every post.
	channel(t *testing.T, room string) string
	// broadcast is what the stakeholder channel of that name shows ("" if
	// it does not exist).
	broadcast(t *testing.T, name string) string
}

type builtinCockpit struct{ h *harness }

func (d builtinCockpit) command(t *testing.T, room, text string) {
	d.h.say("/channels/"+room, "/incident "+text)
}

func (d builtinCockpit) channel(t *testing.T, room string) string {
	_, page := d.h.do("GET", "/channels/"+room, nil, nil)
	return string(page)
}

var roomLinkRE = regexp.MustCompile(`<a href="/channels/([^"]+)">#([^<]+)</a>`)

func (d builtinCockpit) broadcast(t *testing.T, name string) string {
	_, page := d.h.do("GET", "/channels", nil, nil)
	for _, m := range roomLinkRE.FindAllStringSubmatch(string(page), -1) {
		if m[2] == name {
			return d.channel(t, m[1])
		}
	}
	return ""
}

// runCockpit is the cockpit on one chat backend: the first to ack takes
// command, commander, role and title from chat shown in the header and
// the status post and on the timeline; reminders on a moved clock mention
// the commander, wait again after a status update, stop on resolve and
// start on reopen; each status update goes to the stakeholder channel;
// the metrics and the reports count the times to ack and resolve.
func runCockpit(t *testing.T, c *clockedHarness, d cockpitChat) {
	h := c.harness
	if code, out := h.api("POST", "/incidents", map[string]any{"title": "checkout down", "severity": "critical", "labels": map[string]string{"team": "shop"}}); code != 201 {
		t.Fatalf("declare: %d %v", code, out)
	}
	room := h.channelID("INC-1")
	h.waitJobsDone("INC-1")
	if inc := h.getIncident("INC-1"); inc.Commander != "" {
		t.Fatalf("declared by the API: commander %q, want none until someone acks", inc.Commander)
	}
	c.clock.add(5 * time.Minute)
	d.command(t, room, "ack")
	h.waitFor("the ack", func() bool { return h.getIncident("INC-1").AckedBy == "alice" })
	if inc := h.getIncident("INC-1"); inc.Commander != "alice" {
		t.Errorf("after alice's ack: commander %q, want alice (the first to ack)", inc.Commander)
	}
	h.waitFor("the time to ack observed", func() bool {
		return h.metric(`warroom_incident_time_to_ack_seconds_count{severity="critical",source="api"}`) == "1"
	})
	if v := h.metric(`warroom_incident_time_to_ack_seconds_bucket{severity="critical",source="api",le="300"}`); v != "0" {
		t.Errorf("time to ack <= 300s: %q, want 0 (it took 5 minutes and a little)", v)
	}
	if v := h.metric(`warroom_incident_time_to_ack_seconds_bucket{severity="critical",source="api",le="600"}`); v != "1" {
		t.Errorf("time to ack <= 600s: %q, want 1", v)
	}
	if v := h.metric(`warroom_incidents_live{severity="critical",status="acked"}`); v != "1" {
		t.Errorf("live gauge critical/acked: %q, want 1", v)
	}

	d.command(t, room, "commander @bob")
	d.command(t, room, "role scribe @carol")
	d.command(t, room, "role chef @dan") // refused: no such role
	d.command(t, room, "title Checkout down in eu-west")
	h.waitFor("commander, scribe and title", func() bool {
		inc := h.getIncident("INC-1")
		return inc.Commander == "bob" && inc.Roles["scribe"] == "carol" && inc.Title == "Checkout down in eu-west"
	})
	if inc := h.getIncident("INC-1"); len(inc.Roles) != 1 {
		t.Errorf("roles %v: the refused chef role was given", inc.Roles)
	}
	h.waitJobsDone("INC-1")
	h.waitFor("the header and status post to show the roles", func() bool {
		ch := d.channel(t, room)
		return strings.Contains(ch, "commander @bob") && strings.Contains(ch, "scribe @carol") && strings.Contains(ch, "Checkout down in eu-west")
	})
	evs := h.events("INC-1")
	for kind, want := range map[string]int{"commander_changed": 2, "role_changed": 1, "title_changed": 1} {
		if n := countKind(evs, kind); n != want {
			t.Errorf("%d %s events, want %d", n, kind, want)
		}
	}

	// 5m+31m after the opening, nobody posted a status update.
	if n := c.later("INC-1", 31*time.Minute); n != 1 {
		t.Fatalf("reminded %d incidents, want 1", n)
	}
	h.waitFor("the reminder in the channel, mentioning the commander", func() bool {
		return strings.Contains(d.channel(t, room), "@bob: no status update on INC-1 for 36m")
	})
	if n := c.later("INC-1", 0); n != 0 {
		t.Errorf("a second sweep reminded %d, want 0", n)
	}
	d.command(t, room, "status rolled back to v41")
	h.waitFor("the update in the stakeholder channel", func() bool {
		return strings.Contains(d.broadcast(t, "shop-status"), "status update from @alice: rolled back to v41")
	})
	if n := c.later("INC-1", 29*time.Minute); n != 0 {
		t.Errorf("29m after the update: reminded %d, want 0", n)
	}
	if n := c.later("INC-1", 2*time.Minute); n != 1 {
		t.Errorf("31m after the update: reminded %d, want 1", n)
	}

	d.command(t, room, "resolve")
	h.waitStatus("INC-1", "resolved")
	if n := c.later("INC-1", 2*time.Hour); n != 0 {
		t.Errorf("resolved: reminded %d, want 0 (reminders stop on resolve)", n)
	}
	h.waitFor("the time to resolve observed", func() bool {
		return h.metric(`warroom_incident_time_to_resolve_seconds_count{severity="critical",source="api"}`) == "1"
	})
	if v := h.metric(`warroom_incident_time_to_resolve_seconds_bucket{severity="critical",source="api",le="3600"}`); v != "0" {
		t.Errorf("time to resolve <= 1h: %q, want 0 (it took 67 minutes and a little)", v)
	}
	if v := h.metric(`warroom_incident_time_to_resolve_seconds_bucket{severity="critical",source="api",le="7200"}`); v != "1" {
		t.Errorf("time to resolve <= 2h: %q, want 1", v)
	}
	var rep struct {
		Total struct {
			Opened, Acked, Resolved int
			MTTA                    *float64 `json:"mtta_seconds"`
			MTTR                    *float64 `json:"mttr_seconds"`
		} `json:"total"`
		BySeverity []struct {
			Key    string `json:"key"`
			Opened int    `json:"opened"`
		} `json:"by_severity"`
		BySource []struct {
			Key string `json:"key"`
		} `json:"by_source"`
	}
	h.get("/reports?weeks=1", &rep)
	if tot := rep.Total; tot.Opened != 1 || tot.Acked != 1 || tot.Resolved != 1 || tot.MTTA == nil || *tot.MTTA < 300 || *tot.MTTA > 330 ||
		tot.MTTR == nil || *tot.MTTR < 67*60 || *tot.MTTR > 67*60+60 {
		t.Errorf("report total %+v: want 1 opened, acked and resolved, MTTA 5m (+ a little), MTTR 67m (+ a little)", tot)
	}
	if len(rep.BySeverity) != 1 || rep.BySeverity[0].Key != "critical" || len(rep.BySource) != 1 || rep.BySource[0].Key != "api" {
		t.Errorf("report groups: by severity %+v, by source %+v", rep.BySeverity, rep.BySource)
	}

	d.command(t, room, "reopen the fix did not hold")
	h.waitStatus("INC-1", "open")
	if inc := h.getIncident("INC-1"); inc.AckedBy != "" {
		t.Errorf("reopened: acked by %q, want nobody (the ack is cleared)", inc.AckedBy)
	}
	if n := c.later("INC-1", 31*time.Minute); n != 1 {
		t.Errorf("31m after the reopen: reminded %d, want 1 (reopen starts them again)", n)
	}
	if v := h.metric(`warroom_incidents_live{severity="critical",status="open"}`); v != "1" {
		t.Errorf("live gauge critical/open after the reopen: %q, want 1", v)
	}
	if n := countKind(h.events("INC-1"), "status_reminder"); n != 3 {
		t.Errorf("%d reminders on the timeline, want 3", n)
	}
}

func cockpitConfig(t *testing.T) Config {
	cfg := testConfig(t)
	cfg.Routing = []RouteConfig{{Match: map[string]string{"team": "shop"}, Broadcast: "shop-status"}}
	return cfg
}

func TestCockpitOnBuiltin(t *testing.T) {
	c := startClocked(t, cockpitConfig(t), nil)
	c.login("alice")
	runCockpit(t, c, builtinCockpit{c.harness})

	// What a person sees: the words of the timeline, the durations, the
	// list's age, acked-by and commander.
	_, page := c.do("GET", "/incidents/INC-1", nil, nil)
	for _, want := range []string{"Commander changed", "Role changed", "Title changed", "Status reminder", "Reopened", "Time to ack", "Open for"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the incident page lacks %q", want)
		}
	}
	_, list := c.do("GET", "/incidents", nil, nil)
	for _, want := range []string{"<th>Age</th>", "<th>Acked by</th>", "commander @bob", "scribe @carol"} {
		if !strings.Contains(string(list), want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	// The commands answer beside what was typed; a wrong one says why.
	room := "/channels/" + c.channelID("INC-1")
	for cmd, want := range map[string]string{
		"/incident commander @dan":       "@dan is now the commander of INC-1.",
		"/incident role chef @dan":       `there is no role "chef": the roles are commander, comms, scribe`,
		"/incident role comms bob smith": "is not a user name",
		"/incident reopen":               "INC-1 is already open",
		"/incident title":                "title needs an argument",
	} {
		if got := c.say(room, cmd); !strings.Contains(got, want) {
			t.Errorf("%s: reply %q, want %q", cmd, got, want)
		}
	}
	// The API equivalents, and their refusals.
	if code, out := c.api("POST", "/incidents/INC-1/roles", map[string]string{"role": "comms", "user": "erin", "actor": "alice"}); code != 200 || out["roles"].(map[string]any)["comms"] != "erin" {
		t.Errorf("POST roles: %d %v", code, out)
	}
	for _, tt := range []struct {
		path string
		body any
		code int
		says string
	}{
		{"/incidents/INC-1/roles", map[string]string{"role": "chef", "user": "erin"}, 400, `no role "chef"`},
		{"/incidents/INC-1/commander", map[string]string{"user": ""}, 400, "always has a commander"},
		{"/incidents/INC-9/reopen", map[string]string{}, 404, "INC-9"},
		{"/incidents/INC-1/reopen", map[string]string{}, 409, "already open"},
		{"/incidents/INC-1/title", map[string]string{"title": ""}, 400, "title"},
	} {
		code, out := c.api("POST", tt.path, tt.body)
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if code != tt.code || !strings.Contains(msg, tt.says) {
			t.Errorf("POST %s %v: %d %q, want %d saying %q", tt.path, tt.body, code, msg, tt.code, tt.says)
		}
	}
	// Closed, and then archived: neither reopens.
	c.say(room, "/incident close done")
	c.waitStatus("INC-1", "archived")
	if code, out := c.api("POST", "/incidents/INC-1/reopen", map[string]string{}); code != http.StatusConflict || !strings.Contains(out["error"].(map[string]any)["message"].(string), "declare a new incident") {
		t.Errorf("reopen an archived incident: %d %v, want 409 saying to declare a new one", code, out)
	}
}

// mattermostCockpit acts as alice on a real Mattermost server.
type mattermostCockpit struct{ mm *mmtest.Server }

func (d mattermostCockpit) command(t *testing.T, room, text string) {
	if code := d.mm.ExecuteCommand(t, d.mm.User.Token, room, "/incident "+text); code != 200 {
		t.Fatalf("/incident %s through Mattermost: %d", text, code)
	}
}

func (d mattermostCockpit) channel(t *testing.T, room string) string {
	var ch struct {
		Header string `json:"header"`
	}
	d.mm.Do(t, d.mm.AdminToken, "GET", "/api/v4/channels/"+room, nil, &ch)
	var b strings.Builder
	b.WriteString(ch.Header + "\n")
	for _, p := range mmPosts(t, d.mm, room) {
		b.WriteString(p.Message + "\n")
	}
	return b.String()
}

func (d mattermostCockpit) broadcast(t *testing.T, name string) string {
	var ch struct {
		ID string `json:"id"`
	}
	if d.mm.Do(t, d.mm.AdminToken, "GET", "/api/v4/teams/name/"+d.mm.TeamName+"/channels/name/"+name, nil, &ch) != 200 {
		return ""
	}
	return d.channel(t, ch.ID)
}

// TestCockpitOnMattermost is the cockpit through a real Mattermost 9.9:
// the slash commands typed there, the header, status post, reminders and
// stakeholder channel read back from its API.
func TestCockpitOnMattermost(t *testing.T) {
	mm := mmtest.Start(t)
	ln, addr := reserveListener(t)
	cfg := cockpitConfig(t)
	cfg.Listen, cfg.PublicURL = addr, "http://"+addr
	cfg.Chat.Backend = "mattermost"
	cfg.Chat.Mattermost = MattermostConfig{URL: mm.URL, Token: mm.BotToken, Team: mm.TeamName, Delete: "permanent",
		Invite: []string{mm.User.Username}, PinEmoji: "pushpin", MaxFileBytes: 1 << 20,
		CommandToken: mm.CreateSlashCommand(t, "incident", cfg.PublicURL+"/chat/mattermost/command")}
	c := startClocked(t, cfg, ln)
	runCockpit(t, c, mattermostCockpit{mm})
	// The status post is edited in place: one, showing every role.
	room := c.getIncident("INC-1").Channel.ID
	n := 0
	for _, p := range mmPosts(t, mm, room) {
		if strings.HasPrefix(p.Message, "**Status: ") {
			n++
			if !strings.Contains(p.Message, "commander @bob") || !strings.Contains(p.Message, "scribe @carol") {
				t.Errorf("status post %q lacks the roles", p.Message)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d status posts, want 1 edited in place", n)
	}
}

// TestRolesSyncedToJira: the first ack's command, a handover, a role and
// a new title become comments on the incident's Jira issue (the default
// tickets.jira.comments).
func TestRolesSyncedToJira(t *testing.T) {
	h, j := jiraHarness(t, jiratest.Options{}, nil)
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	issue := jiraIssueOf(h, "INC-1")
	room := "/channels/" + h.channelID("INC-1")
	h.login("alice")
	for _, cmd := range []string{"/incident ack", "/incident commander @bob", "/incident role comms @carol", "/incident title Checkout slow in eu-west"} {
		h.say(room, cmd)
	}
	var v jiratest.IssueView
	h.waitFor("comments for the roles and the title", func() bool {
		v = j.Issue(issue)
		return commentsWith(v, "Role change, commander: @alice (first to ack)") == 1 &&
			commentsWith(v, "Role change, commander: @alice → @bob (by alice)") == 1 &&
			commentsWith(v, "Role change, comms: @carol (by alice)") == 1 &&
			commentsWith(v, "Title changed: “HighLatency: p99 > 2s” → “Checkout slow in eu-west” (by alice)") == 1
	})
}
