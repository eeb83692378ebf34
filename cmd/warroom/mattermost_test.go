package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/oncall"
	"github.com/warroom/warroom/integrations/mattermost/mmtest"
)

// mattermostHarness starts a real Mattermost 9.9 server and warroom wired to
// it, with the /incident slash command pointing at warroom.
func mattermostHarness(t *testing.T, mm *mmtest.Server, tune func(*Config)) *harness {
	t.Helper()
	ln, addr := reserveListener(t) // Mattermost must know warroom's URL first
	cfg := testConfig(t)
	cfg.Listen, cfg.PublicURL = addr, "http://"+addr
	cfg.Chat.Backend = "mattermost"
	cfg.Chat.Mattermost = MattermostConfig{URL: mm.URL, Token: mm.BotToken, Team: mm.TeamName, Delete: "permanent",
		Invite: []string{mm.User.Username}, PinEmoji: "pushpin", MaxFileBytes: 1 << 20,
		CommandToken: mm.CreateSlashCommand(t, "incident", cfg.PublicURL+"/chat/mattermost/command")}
	if tune != nil {
		tune(&cfg)
	}
	return startHarnessOn(t, cfg, ln, testLogWriter{t})
}

// mmPost is the part of a Mattermost post the tests read.
type mmPost struct {
	ID       string         `json:"id"`
	Message  string         `json:"message"`
	RootID   string         `json:"root_id"`
	IsPinned bool           `json:"is_pinned"`
	Props    map[string]any `json:"props"`
}

func mmPosts(t *testing.T, mm *mmtest.Server, channelID string) []mmPost {
	t.Helper()
	var list struct {
		Order []string          `json:"order"`
		Posts map[string]mmPost `json:"posts"`
	}
	if code := mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID+"/posts?per_page=200", nil, &list); code != 200 {
		t.Fatalf("read posts: %d", code)
	}
	out := make([]mmPost, 0, len(list.Order))
	for i := len(list.Order) - 1; i >= 0; i-- {
		out = append(out, list.Posts[list.Order[i]])
	}
	return out
}

// mmCardActions lists the button IDs of a post's first attachment.
func mmCardActions(p mmPost) []string {
	attachments, _ := p.Props["attachments"].([]any)
	if len(attachments) == 0 {
		return nil
	}
	card, _ := attachments[0].(map[string]any)
	actions, _ := card["actions"].([]any)
	var ids []string
	for _, a := range actions {
		if m, ok := a.(map[string]any); ok {
			ids = append(ids, fmt.Sprint(m["id"]))
		}
	}
	return ids
}

// TestMattermostLifecycle is the whole workflow on a real Mattermost server:
// alert -> channel with header, welcome card with buttons and pinned summary
// -> /incident ack through Mattermost's own command execution -> a message,
// a thread reply, a file and a pin reaction -> Close clicked through the
// post-action API -> transcript archived and verified -> channel deleted.
func TestMattermostLifecycle(t *testing.T) {
	mm := mmtest.Start(t)
	h := mattermostHarness(t, mm, nil)
	alice := mm.User

	if code, out := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		t.Fatalf("alert: %d %v", code, out)
	}
	var channelID, channelName string
	h.waitFor("channel", func() bool {
		ch := h.getIncident("INC-1").Channel
		channelID, channelName = ch.ID, ch.Name
		return channelID != ""
	})
	if channelName != "inc-1-highlatency-p99-2s" {
		t.Errorf("channel name %q", channelName)
	}

	// The channel in Mattermost: header, welcome card with buttons, pinned summary, status post.
	var welcome, status mmPost
	h.waitFor("welcome, summary and status posts", func() bool {
		for _, p := range mmPosts(t, mm, channelID) {
			switch {
			case strings.Contains(p.Message, "This channel is for the response"):
				welcome = p
			case strings.HasPrefix(p.Message, "**Status: "):
				status = p
			}
		}
		return welcome.ID != "" && status.ID != ""
	})
	attachments, _ := welcome.Props["attachments"].([]any)
	if len(attachments) != 1 {
		t.Fatalf("welcome post has no card: %+v", welcome.Props)
	}
	card := attachments[0].(map[string]any)
	if card["color"] != "#C62828" {
		t.Errorf("card colour %v, want the critical red", card["color"])
	}
	if actionIDs := mmCardActions(welcome); strings.Join(actionIDs, ",") != "ack,resolve,close" {
		t.Errorf("buttons %v, want ack,resolve,close", actionIDs)
	}
	var pinned struct {
		Posts map[string]mmPost `json:"posts"`
	}
	mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID+"/pinned", nil, &pinned)
	summaryPinned := false
	for _, p := range pinned.Posts {
		summaryPinned = summaryPinned || strings.Contains(p.Message, "[incident page]") && strings.Contains(p.Message, "http://127.0.0.1/runbook")
	}
	if !summaryPinned {
		t.Errorf("the summary with the runbook is not pinned: %+v", pinned.Posts)
	}
	var ch struct {
		Header      string `json:"header"`
		DisplayName string `json:"display_name"`
	}
	h.waitFor("header", func() bool {
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID, nil, &ch)
		return strings.Contains(ch.Header, "critical · open") && strings.Contains(ch.Header, "[ticket INC-1]")
	})

	// alice was invited; she acks through Mattermost's own command execution.
	if code := mm.ExecuteCommand(t, alice.Token, channelID, "/incident ack"); code != 200 {
		t.Fatalf("/incident ack through Mattermost: %d", code)
	}
	if inc := h.incident("INC-1"); inc["status"] != "acked" || inc["acked_by"] != alice.Username {
		t.Fatalf("after /incident ack: %v", inc)
	}
	h.waitFor("status post edited and header updated", func() bool {
		var p mmPost
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/posts/"+status.ID, nil, &p)
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID, nil, &ch)
		return strings.Contains(p.Message, "acked by @"+alice.Username) && strings.Contains(ch.Header, "critical · acked")
	})
	// The welcome card follows: Ack is gone, its other props kept.
	h.waitFor("the welcome card without Ack", func() bool {
		var p mmPost
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/posts/"+welcome.ID, nil, &p)
		return strings.Join(mmCardActions(p), ",") == "resolve,close" && p.Props["warroom_key"] == welcome.Props["warroom_key"]
	})
	// A new title and a role given follow on the card too (its title and
	// its fields), through Mattermost's own command execution.
	for _, cmd := range []string{"/incident title Checkout down in eu-1 and eu-2", "/incident role scribe @" + alice.Username} {
		if code := mm.ExecuteCommand(t, alice.Token, channelID, cmd); code != 200 {
			t.Fatalf("%s through Mattermost: %d", cmd, code)
		}
	}
	h.waitFor("the welcome card with the new title and the scribe", func() bool {
		var p mmPost
		mm.Do(t, mm.AdminToken, "GET", "/api/v4/posts/"+welcome.ID, nil, &p)
		attachments, _ := p.Props["attachments"].([]any)
		if len(attachments) == 0 {
			return false
		}
		card, _ := attachments[0].(map[string]any)
		scribe := false
		fields, _ := card["fields"].([]any)
		for _, f := range fields {
			m, _ := f.(map[string]any)
			scribe = scribe || m["title"] == "Scribe" && m["value"] == "@"+alice.Username
		}
		return card["title"] == "INC-1 Checkout down in eu-1 and eu-2" && scribe && strings.Join(mmCardActions(p), ",") == "resolve,close"
	})

	// alice talks: a message, a reply in its thread, a file, and a pin.
	var msg, reply mmPost
	mm.Do(t, alice.Token, "POST", "/api/v4/posts", map[string]any{"channel_id": channelID, "message": "restarting checkout pods in eu-1"}, &msg)
	mm.Do(t, alice.Token, "POST", "/api/v4/posts", map[string]any{"channel_id": channelID, "root_id": msg.ID, "message": "pods back, p99 at 240ms"}, &reply)
	graph := bytes.Repeat([]byte("latency,"), 512)
	fileID := mm.UploadFile(t, alice.Token, channelID, "latency.csv", graph)
	mm.Do(t, alice.Token, "POST", "/api/v4/posts", map[string]any{"channel_id": channelID, "message": "the numbers", "file_ids": []string{fileID}}, nil)
	if code := mm.Do(t, alice.Token, "POST", "/api/v4/reactions", map[string]string{"user_id": alice.ID, "post_id": msg.ID, "emoji_name": "pushpin"}, nil); code != 200 {
		t.Fatalf("react: %d", code)
	}
	h.waitFor("pin on the timeline", func() bool { return countKind(h.events("INC-1"), "pinned") == 1 })
	// An edited message keeps its final text, marked edited.
	var edited mmPost
	mm.Do(t, alice.Token, "POST", "/api/v4/posts", map[string]any{"channel_id": channelID, "message": "eu-1 is the culprit"}, &edited)
	newText := "eu-1 AND eu-2 are the culprits"
	if code := mm.Do(t, alice.Token, "PUT", "/api/v4/posts/"+edited.ID+"/patch", map[string]any{"message": newText}, nil); code != 200 {
		t.Fatalf("edit: %d", code)
	}

	// alice clicks Close on the welcome card, through Mattermost.
	if code := mm.ClickButton(t, alice.Token, welcome.ID, "close"); code != 200 {
		t.Fatalf("click Close: %d", code)
	}
	inc := h.waitStatus("INC-1", "archived")
	if inc["closed_by"] != alice.Username {
		t.Errorf("closed_by = %v", inc["closed_by"])
	}

	// The archive holds the message, the reply as a reply, the file, the pin.
	_, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	for _, want := range []string{"**" + alice.Username + "**", "restarting checkout pods in eu-1", "> ↳ reply to #",
		"> pods back, p99 at 240ms", "📎 latency.csv (", "4096 bytes) → INC-1-files/", "**pinned** " + alice.Username,
		"This channel is for the response", "> Severity: critical", "(edited ", newText, ":pushpin: " + alice.Username, "_system_"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("transcript lacks %q:\n%s", want, md)
		}
	}
	evs := h.events("INC-1")
	if n := countKind(evs, "pinned"); n != 1 {
		t.Errorf("%d pinned events, want 1 (live pin and archive sweep must not double it)", n)
	}
	for _, e := range evs {
		if e["kind"] == "channel_deleted" && e["text"] != "deleted permanently" {
			t.Errorf("channel_deleted: %v", e["text"])
		}
	}
	// The channel is gone from Mattermost.
	if code := mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID, nil, nil); code != http.StatusNotFound {
		t.Errorf("channel after archive: %d, want 404", code)
	}
}

// TestMattermostRefusesForgeries: a button callback without warroom's
// signature and a slash command with the wrong token get 401 and change
// nothing.
func TestMattermostRefusesForgeries(t *testing.T) {
	mm := mmtest.Start(t)
	h := mattermostHarness(t, mm, nil)
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	var channelID string
	h.waitFor("channel", func() bool {
		channelID = h.getIncident("INC-1").Channel.ID
		return channelID != ""
	})
	forged := []struct {
		name, path, ctype string
		body              []byte
		headers           map[string]string
	}{
		{"button without signature", "/chat/mattermost/action", "application/json",
			[]byte(`{"user_name":"mallory","channel_id":"` + channelID + `","context":{"action":"close","channel_id":"` + channelID + `"}}`), nil},
		{"button with a signature for another channel", "/chat/mattermost/action", "application/json",
			[]byte(`{"user_name":"mallory","channel_id":"` + channelID + `","context":{"action":"close","channel_id":"other","sig":"00"}}`), nil},
		{"command with the wrong token", "/chat/mattermost/command", "application/x-www-form-urlencoded",
			[]byte(url.Values{"token": {"guess"}, "channel_id": {channelID}, "user_name": {"mallory"}, "text": {"close"}}.Encode()), nil},
		{"command with the wrong Authorization", "/chat/mattermost/command", "application/x-www-form-urlencoded",
			[]byte(url.Values{"channel_id": {channelID}, "user_name": {"mallory"}, "text": {"close"}}.Encode()),
			map[string]string{"Authorization": "Token guess"}},
	}
	for _, f := range forged {
		t.Run(f.name, func(t *testing.T) {
			headers := map[string]string{"Content-Type": f.ctype}
			for k, v := range f.headers {
				headers[k] = v
			}
			code, body := h.do("POST", f.path, f.body, headers)
			if code != http.StatusUnauthorized || !strings.Contains(string(body), `"kind": "unauthorized"`) {
				t.Errorf("%d %s, want 401 with a JSON error", code, body)
			}
		})
	}
	if inc := h.incident("INC-1"); inc["status"] != "open" {
		t.Errorf("a forgery changed the incident: %v", inc["status"])
	}
}

// TestMattermostBotNotInTeam: with the bot out of the team, opening the
// channel fails with a clear error on the timeline and nothing is lost;
// once the bot is back and the job retried, everything goes out in order.
func TestMattermostBotNotInTeam(t *testing.T) {
	mm := mmtest.Start(t)
	mm.RemoveBotFromTeam(t)
	h := mattermostHarness(t, mm, nil)
	if code, _ := h.api("POST", "/incidents", map[string]string{"title": "queue backlog", "severity": "warning"}); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	want := "bot @" + mm.BotUsername + " is not a member of team " + mm.TeamName
	defer func() {
		if t.Failed() {
			_, j := h.api("GET", "/jobs", nil)
			t.Logf("timeline: %v\njobs: %v", h.events("INC-1"), j)
		}
	}()
	h.waitFor("error on the timeline", func() bool {
		for _, e := range h.timeline("INC-1") {
			if e.Kind == "error" && strings.Contains(e.Text, want) {
				return true
			}
		}
		return false
	})
	var jobs struct {
		Jobs []apiJob `json:"jobs"`
	}
	h.get("/jobs?state=parked", &jobs)
	var openJob int64
	for _, job := range jobs.Jobs {
		if job.Kind == "channel.open" {
			openJob = job.ID
			if !strings.Contains(job.LastError, want) {
				t.Errorf("parked job reason %q does not say %q", job.LastError, want)
			}
		}
	}
	if openJob == 0 {
		t.Fatalf("channel.open is not parked: %+v", jobs.Jobs)
	}
	// Chat commands keep working on the incident meanwhile.
	if code, _ := h.api("POST", "/incidents/INC-1/ack", map[string]string{"actor": "alice"}); code != 200 {
		t.Errorf("ack while the channel is missing: %d", code)
	}

	mm.AddBotToTeam(t)
	if code, out := h.api("POST", "/jobs/"+strconv.FormatInt(openJob, 10)+"/retry", nil); code != 200 {
		t.Fatalf("retry: %d %v", code, out)
	}
	var channelID string
	h.waitFor("channel after retry", func() bool {
		channelID = h.getIncident("INC-1").Channel.ID
		return channelID != ""
	})
	h.waitFor("every post, in order", func() bool {
		var texts []string
		for _, p := range mmPosts(t, mm, channelID) {
			texts = append(texts, p.Message)
		}
		all := strings.Join(texts, "\n")
		w, s, a := strings.Index(all, "This channel is for the response"), strings.Index(all, "**Status: acked"), strings.Index(all, "open → acked")
		return w >= 0 && s > w && a > s
	})
	time.Sleep(100 * time.Millisecond)
	jobs.Jobs = nil
	h.get("/jobs?state=parked", &jobs)
	if n := len(jobs.Jobs); n != 0 {
		t.Errorf("%d jobs still parked after the retry: %+v", n, jobs.Jobs)
	}
}

// TestMattermostRateLimited runs against a server that answers 429 after a
// few requests: the jobs wait as the server says and complete, with every
// post exactly once.
func TestMattermostRateLimited(t *testing.T) {
	mm := mmtest.StartWith(t, mmtest.Options{RateLimit: true, RateLimitPerSec: 2, RateLimitMaxBurst: 4})
	h := mattermostHarness(t, mm, nil)
	if code, _ := h.api("POST", "/incidents", map[string]string{"title": "rate limits everywhere", "severity": "high"}); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	h.api("POST", "/incidents/INC-1/ack", map[string]string{"actor": "alice"})
	// About 30 requests at 2 a second, each 429 costing the 3 s Mattermost
	// asks for: longer than waitFor's usual deadline.
	h.waitWithin("every job done", time.Minute, func() bool {
		for _, j := range h.jobs("INC-1") {
			if j.State != "done" {
				return false
			}
		}
		return true
	})
	_, metrics := h.do("GET", "/metrics", nil, nil)
	if !regexpRetry.Match(metrics) {
		t.Error("no job was retried: the server's rate limit was never hit")
	}
	channelID := h.getIncident("INC-1").Channel.ID
	var posts []mmPost
	h.waitFor("posts readable", func() bool {
		var list struct {
			Order []string          `json:"order"`
			Posts map[string]mmPost `json:"posts"`
		}
		if mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID+"/posts", nil, &list) != 200 {
			time.Sleep(time.Second)
			return false
		}
		posts = posts[:0]
		for _, p := range list.Posts {
			posts = append(posts, p)
		}
		return true
	})
	keys := map[string]int{}
	for _, p := range posts {
		if k, _ := p.Props["warroom_key"].(string); k != "" {
			keys[k]++
		}
	}
	for k, n := range keys {
		if n != 1 {
			t.Errorf("post %s went out %d times", k, n)
		}
	}
	if len(keys) != 4 { // welcome, summary, status, the ack announcement
		t.Errorf("%d warroom posts, want 4: %v", len(keys), keys)
	}
}

var regexpRetry = regexp.MustCompile(`warroom_job_runs_total\{kind="[a-z.]+",outcome="retry"\} [1-9]`)

// TestMattermostPermanentDeleteRefused: on a server without
// EnableAPIChannelDeletion, the channel is archived instead and the
// timeline says so.
func TestMattermostPermanentDeleteRefused(t *testing.T) {
	mm := mmtest.StartWith(t, mmtest.Options{Env: []string{"MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION=false"}})
	h := mattermostHarness(t, mm, nil)
	h.api("POST", "/incidents", map[string]string{"title": "cert expiry", "severity": "info"})
	var channelID string
	h.waitFor("channel", func() bool {
		channelID = h.getIncident("INC-1").Channel.ID
		return channelID != ""
	})
	if code, _ := h.api("POST", "/incidents/INC-1/close", map[string]string{"actor": "alice"}); code != 200 {
		t.Fatalf("close: %d", code)
	}
	h.waitStatus("INC-1", "archived")
	var how string
	for _, e := range h.timeline("INC-1") {
		if e.Kind == "channel_deleted" {
			how = e.Text
		}
	}
	if !strings.HasPrefix(how, "archived, because the server refused permanent deletion") || !strings.Contains(how, "EnableAPIChannelDeletion") {
		t.Errorf("timeline says %q", how)
	}
	var ch struct {
		DeleteAt int64 `json:"delete_at"`
	}
	if code := mm.Do(t, mm.AdminToken, "GET", "/api/v4/channels/"+channelID, nil, &ch); code != 200 || ch.DeleteAt == 0 {
		t.Errorf("channel after close: %d, delete_at %d; want it archived", code, ch.DeleteAt)
	}
}

// TestMattermostPageByDirectMessage: the on-call person gets a direct
// message from the bot with an Ack button; clicking it through Mattermost
// acks the incident.
func TestMattermostPageByDirectMessage(t *testing.T) {
	mm := mmtest.Start(t)
	h := mattermostHarness(t, mm, func(c *Config) {
		c.Paging = PagingConfig{
			Schedules: map[string]oncall.Schedule{"primary": {Layers: []oncall.Layer{{Name: "solo", Rotation: oncall.Rotation{
				Members: []string{mm.User.Username}, Every: 1, Unit: "weeks", HandoffTime: "09:00", Start: "2026-01-05", TimeZone: "UTC"}}}}},
			Policies:      map[string]PolicyConfig{"default": {Steps: []PolicyStepConfig{{Notify: []string{"schedule:primary"}, Wait: Duration(time.Hour)}}}},
			DefaultPolicy: "default",
		}
	})
	h.api("POST", "/incidents", map[string]string{"title": "search is slow", "severity": "high"})
	var dm struct {
		ID string `json:"id"`
	}
	if code := mm.Do(t, mm.User.Token, "POST", "/api/v4/channels/direct", []string{mm.User.ID, mm.BotUserID}, &dm); code != 201 {
		t.Fatalf("open the DM channel: %d", code)
	}
	var page mmPost
	h.waitFor("the page in alice's direct messages", func() bool {
		var list struct {
			Order []string          `json:"order"`
			Posts map[string]mmPost `json:"posts"`
		}
		mm.Do(t, mm.User.Token, "GET", "/api/v4/channels/"+dm.ID+"/posts", nil, &list)
		for _, id := range list.Order {
			if strings.Contains(list.Posts[id].Message, "You are paged for **INC-1**") {
				page = list.Posts[id]
				return true
			}
		}
		return false
	})
	if code := mm.ClickButton(t, mm.User.Token, page.ID, "ack"); code != 200 {
		t.Fatalf("click Ack in the DM: %d", code)
	}
	if inc := h.incident("INC-1"); inc["status"] != "acked" || inc["acked_by"] != mm.User.Username {
		t.Errorf("after Ack from the DM: %v by %v", inc["status"], inc["acked_by"])
	}
}
