package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/alertmanager/amtest"
)

// amSilence is a silence as Alertmanager's API v2 answers it.
type amSilence struct {
	ID       string `json:"id"`
	Matchers []struct {
		Name    string `json:"name"`
		Value   string `json:"value"`
		IsRegex bool   `json:"isRegex"`
		IsEqual bool   `json:"isEqual"`
	} `json:"matchers"`
	EndsAt    time.Time `json:"endsAt"`
	CreatedBy string    `json:"createdBy"`
	Comment   string    `json:"comment"`
	Status    struct {
		State string `json:"state"`
	} `json:"status"`
}

// amAlert is an alert as GET /api/v2/alerts answers it.
type amAlert struct {
	Labels map[string]string `json:"labels"`
	Status struct {
		State      string   `json:"state"`
		SilencedBy []string `json:"silencedBy"`
	} `json:"status"`
}

func amGet(t *testing.T, am *amtest.Server, path string, out any) {
	t.Helper()
	resp, err := http.Get(am.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// command runs an /incident command through the commands API and returns
// the status and the reply (or the error's message).
func (h *harness) command(key, actor, text string) (int, string) {
	h.t.Helper()
	code, raw := h.do("POST", "/api/v1/incidents/"+key+"/commands", map[string]string{"actor": actor, "text": text}, bearerAPI)
	var ok commandAnswer
	var bad errorResponse
	if code == http.StatusOK && json.Unmarshal(raw, &ok) == nil {
		return code, ok.Reply
	}
	if json.Unmarshal(raw, &bad) != nil {
		h.t.Fatalf("command %q: %d %s", text, code, raw)
	}
	return code, bad.Error.Message
}

// TestSilenceFromChatInRealAlertmanager: a real Alertmanager 0.31.1 feeds
// warroom; /incident silence makes a silence there with the group's
// labels, the chat user as author and the asked end, and Alertmanager
// itself then holds the group's alert as suppressed by it (so it sends no
// notification for it); the silence is posted, on the timeline, listed,
// and unsilence expires it. A silence Alertmanager refuses is posted with
// what to type, and not recorded; bad input is refused before anything is
// asked.
func TestSilenceFromChatInRealAlertmanager(t *testing.T) {
	ln, addr := reserveListener(t)
	am := amtest.Start(t, amtest.Options{WebhookURL: "http://" + addr + "/hooks/alertmanager", BearerToken: testAMToken})
	cfg := testConfig(t)
	cfg.Listen = addr
	cfg.Sources.Alertmanager.URL = am.URL
	h := startHarnessOn(t, cfg, ln, testLogWriter{t})

	labels := map[string]string{"alertname": "WarroomSilenceTest", "instance": "db-1:9100", "severity": "critical"}
	am.PostAlert(t, labels, map[string]string{"summary": "disk full"}, "")
	h.waitFor("the incident from Alertmanager", func() bool { return len(h.incidents("")) == 1 })
	key := "INC-1"
	room := "/channels/" + h.channelID(key)

	asked := time.Now()
	code, reply := h.command(key, "alice", "silence 2h")
	if code != 200 || !strings.Contains(reply, `{alertname="WarroomSilenceTest"}`) {
		t.Fatalf("silence: %d %q", code, reply)
	}
	h.waitJobsDone(key)
	var id string
	for _, ev := range h.timeline(key) {
		if ev.Kind == "silenced" {
			id = ev.Ref
		}
	}
	if id == "" {
		t.Fatalf("no silenced event on the timeline: %+v", h.timeline(key))
	}
	var list []amSilence
	amGet(t, am, "/api/v2/silences", &list)
	if len(list) != 1 {
		t.Fatalf("Alertmanager has %d silences, want 1: %+v", len(list), list)
	}
	s := list[0]
	if s.ID != id || s.CreatedBy != "alice" || s.Status.State != "active" || len(s.Matchers) != 1 ||
		s.Matchers[0].Name != "alertname" || s.Matchers[0].Value != "WarroomSilenceTest" || s.Matchers[0].IsRegex || !s.Matchers[0].IsEqual {
		t.Errorf("silence in Alertmanager %+v, want id %s by alice on alertname=\"WarroomSilenceTest\"", s, id)
	}
	if want := asked.Add(2 * time.Hour); s.EndsAt.Before(want.Add(-time.Minute)) || s.EndsAt.After(want.Add(time.Minute)) {
		t.Errorf("silence ends at %v, want about %v", s.EndsAt, want)
	}
	if !strings.Contains(s.Comment, key) || !strings.Contains(s.Comment, "http://warroom.test/incidents/"+key) {
		t.Errorf("comment %q, want the key and the link", s.Comment)
	}
	// Alertmanager itself suppresses the group's alert by that silence: the
	// notification pipeline's silence stage drops it, so warroom receives none.
	var alerts []amAlert
	amGet(t, am, "/api/v2/alerts?filter="+url.QueryEscape(`alertname="WarroomSilenceTest"`), &alerts)
	if len(alerts) != 1 || alerts[0].Status.State != "suppressed" || len(alerts[0].Status.SilencedBy) != 1 || alerts[0].Status.SilencedBy[0] != id {
		t.Errorf("alerts %+v, want the one alert suppressed by %s", alerts, id)
	}

	h.login("bob")
	page := h.chatPage(room)
	if !strings.Contains(page, `@alice silenced {alertname="WarroomSilenceTest"} in Alertmanager until`) {
		t.Errorf("the channel does not show the silence:\n%s", page)
	}
	if banner := h.say(room, "/incident silences"); !strings.Contains(banner, id) {
		t.Errorf("/incident silences answered %q, want %s", banner, id)
	}

	// Refused by Alertmanager: a matcher that matches the empty string.
	if code, reply := h.command(key, "alice", `silence 1h instance=~".*"`); code != 200 {
		t.Fatalf("silence that Alertmanager refuses: %d %q", code, reply)
	}
	h.waitJobsDone(key)
	if n := countEvents(h.timeline(key), "silence_refused"); n != 1 {
		t.Errorf("%d silence_refused events, want 1", n)
	}
	if n := countEvents(h.timeline(key), "silenced"); n != 1 {
		t.Errorf("%d silenced events after a refusal, want still 1", n)
	}
	amGet(t, am, "/api/v2/silences", &list)
	if len(list) != 1 {
		t.Errorf("Alertmanager has %d silences after a refusal, want 1", len(list))
	}
	if page := h.chatPage(room); !strings.Contains(page, "Alertmanager refused the silence") || !strings.Contains(page, "Type instead") {
		t.Errorf("the channel does not show the refusal with what to type")
	}

	// Bad input is refused at once, saying what to type.
	for text, says := range map[string]string{
		"silence forever":            "write a duration like 30m, 2h or 1d",
		`silence 2h 9instance="db"`:  `write matchers like instance="db-1:9100"`,
		"silence":                    "silence needs an argument",
		"unsilence":                  "unsilence needs an argument",
		`silence 2h instance="db-1`:  "a quote is not closed",
		"unsilence ../../api/v2/foo": "is not a silence ID",
	} {
		if code, reply := h.command(key, "alice", text); code != 400 || !strings.Contains(reply, says) {
			t.Errorf("%q: %d %q, want 400 saying %q", text, code, reply, says)
		}
	}

	if code, reply := h.command(key, "bob", "unsilence "+id); code != 200 {
		t.Fatalf("unsilence: %d %q", code, reply)
	}
	h.waitJobsDone(key)
	var one amSilence
	amGet(t, am, "/api/v2/silence/"+id, &one)
	if one.Status.State != "expired" {
		t.Errorf("after unsilence the silence is %q, want expired", one.Status.State)
	}
	if n := countEvents(h.timeline(key), "silence_expired"); n != 1 {
		t.Errorf("%d silence_expired events, want 1", n)
	}
	if _, reply := h.command(key, "bob", "silences"); !strings.Contains(reply, "no silences made from chat") {
		t.Errorf("silences after unsilence: %q", reply)
	}
}

// TestSilenceCommandsWithoutAlertmanager: without sources.alertmanager.url
// the silence commands say how to configure it and change nothing.
func TestSilenceCommandsWithoutAlertmanager(t *testing.T) {
	h := startHarness(t, testConfig(t))
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "db slow", "labels": map[string]string{"alertname": "DBSlow"}}, &inc); code != http.StatusCreated {
		t.Fatalf("declare: %d", code)
	}
	for _, text := range []string{"silence 2h", "unsilence abc"} {
		if code, reply := h.command(inc.Key, "alice", text); code != 409 || !strings.Contains(reply, "set sources.alertmanager.url") {
			t.Errorf("%q: %d %q, want 409 saying how to configure it", text, code, reply)
		}
	}
	for _, j := range h.jobs(inc.Key) {
		if strings.HasPrefix(j.Kind, "silence.") {
			t.Errorf("job %+v enqueued without Alertmanager", j)
		}
	}
}

// chatPage returns a builtin channel's page, its messages unescaped.
func (h *harness) chatPage(room string) string {
	h.t.Helper()
	code, page := h.do("GET", room, nil, nil)
	if code != 200 {
		h.t.Fatalf("GET %s: %d", room, code)
	}
	return html.UnescapeString(string(page))
}

// TestSilenceMadeElsewhereIsPosted: a silence made in Alertmanager itself
// that matches a live incident's labels is posted into its channel once;
// one made from the incident's chat is not posted again.
func TestSilenceMadeElsewhereIsPosted(t *testing.T) {
	ln, addr := reserveListener(t)
	am := amtest.Start(t, amtest.Options{WebhookURL: "http://" + addr + "/hooks/alertmanager", BearerToken: testAMToken})
	cfg := testConfig(t)
	cfg.Listen = addr
	cfg.Sources.Alertmanager.URL = am.URL
	cfg.Sources.Alertmanager.SilencePoll = 50 * time.Millisecond
	h := startHarnessOn(t, cfg, ln, testLogWriter{t})
	am.PostAlert(t, map[string]string{"alertname": "WarroomElsewhere", "instance": "db-1:9100"}, nil, "")
	h.waitFor("the incident", func() bool { return len(h.incidents("")) == 1 })
	key := "INC-1"
	room := "/channels/" + h.channelID(key)
	if code, reply := h.command(key, "alice", "silence 1h"); code != 200 {
		t.Fatalf("silence: %d %q", code, reply)
	}
	h.waitJobsDone(key)

	body := `{"matchers":[{"name":"instance","value":"db-.*","isRegex":true,"isEqual":true}],"startsAt":"` + time.Now().UTC().Format(time.RFC3339) +
		`","endsAt":"` + time.Now().Add(3*time.Hour).UTC().Format(time.RFC3339) + `","createdBy":"carol","comment":"rack 4 maintenance"}`
	resp, err := http.Post(am.URL+"/api/v2/silences", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/v2/silences: %v %v", resp, err)
	}
	resp.Body.Close()
	// Another silence that does not match the incident is never posted.
	other := strings.ReplaceAll(strings.ReplaceAll(body, `db-.*`, `web-.*`), "rack 4", "rack 9")
	if resp, err := http.Post(am.URL+"/api/v2/silences", "application/json", strings.NewReader(other)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/v2/silences: %v %v", resp, err)
	}
	h.login("bob")
	h.waitFor("the silence made elsewhere posted", func() bool {
		return strings.Contains(h.chatPage(room), `carol silenced {instance=~"db-.*"} in Alertmanager until`)
	})
	// A later matching silence being posted shows that later polls ran:
	// carol's is still posted once, the chat-made one never.
	later := strings.ReplaceAll(strings.ReplaceAll(body, "carol", "dave"), "rack 4", "rack 5")
	if resp, err := http.Post(am.URL+"/api/v2/silences", "application/json", strings.NewReader(later)); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/v2/silences: %v %v", resp, err)
	}
	h.waitFor("the later silence posted", func() bool { return strings.Contains(h.chatPage(room), "dave silenced") })
	h.waitJobsDone(key)
	page := h.chatPage(room)
	if n := strings.Count(page, "carol silenced"); n != 1 {
		t.Errorf("the silence made elsewhere was posted %d times, want once", n)
	}
	if strings.Contains(page, "rack 9") {
		t.Errorf("a silence that does not match the incident was posted")
	}
	if n := countEvents(h.timeline(key), "silence_seen"); n != 2 {
		t.Errorf("%d silence_seen events, want 2 (carol's and dave's; the chat-made silence is not seen again)", n)
	}
}
