package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident/oncall"
	"github.com/warroom/warroom/integrations/pagehook"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/integrations/pagerduty/pdtest"
)

func pagingConfig(t *testing.T, pdURL string) Config {
	cfg := testConfig(t)
	cfg.Paging = PagingConfig{
		Schedules: map[string]oncall.Schedule{"primary": {Layers: []oncall.Layer{{Name: "weekly", Rotation: oncall.Rotation{
			Members: []string{"alice", "bob"}, Every: 1, Unit: "weeks", HandoffTime: "09:00", Start: "2026-01-05", TimeZone: "Europe/Berlin"}}}}},
		Policies: map[string]PolicyConfig{"default": {Repeat: 1, Steps: []PolicyStepConfig{
			{Notify: []string{"schedule:primary"}, Wait: Duration(time.Hour)},
			{Notify: []string{"@carol"}, Wait: Duration(time.Hour)},
		}}},
		DefaultPolicy: "default",
		PagerDuty:     pagerduty.Config{RoutingKey: pdtest.DefaultRoutingKey, URL: pdURL},
	}
	return cfg
}

// TestPagingEndToEnd: alert -> the on-call person is paged (PagerDuty
// triggered, a mention in the channel, the paging post) -> ack in the
// channel -> PagerDuty acknowledged, the paging post says so -> close ->
// PagerDuty resolved.
func TestPagingEndToEnd(t *testing.T) {
	pd := pdtest.New(t)
	h := startHarness(t, pagingConfig(t, pd.URL()))
	h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json"))
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.waitFor("PagerDuty triggered", func() bool { v, ok := pd.Incident("INC-1"); return ok && v.Status == pdtest.StatusTriggered })
	onCall, _ := pagingConfigSchedules(t, h.cfg).OnCall("primary", time.Now())
	h.login(onCall)
	log := func() string { _, p := h.do("GET", "/channels/"+room+"/log", nil, nil); return string(p) }
	h.waitFor("the page in the channel and the paging post", func() bool {
		p := log()
		return strings.Contains(p, "@"+onCall+", you are paged") && strings.Contains(p, "Paging for INC-1") &&
			strings.Contains(p, "next: step 2")
	})
	evs := h.events("INC-1")
	if countKind(evs, "paged") != 1 {
		t.Errorf("%d paged events, want 1", countKind(evs, "paged"))
	}
	// The page also arrived as a direct message, with an Ack button.
	dm := dmRoom(t, h, onCall)
	h.waitFor("the direct message", func() bool {
		_, p := h.do("GET", "/channels/"+dm+"/log", nil, nil)
		return strings.Contains(string(p), "You are paged for <strong>INC-1</strong>") && strings.Contains(string(p), `value="ack INC-1"`)
	})

	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident ack"), nil)
	h.waitFor("PagerDuty acknowledged", func() bool { v, _ := pd.Incident("INC-1"); return v.Status == pdtest.StatusAcknowledged })
	h.waitFor("the paging post shows the ack", func() bool {
		p := log()
		return strings.Contains(p, "escalation stopped: acked by @"+onCall) && !strings.Contains(p, "next: step 2")
	})

	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident close"), nil)
	h.waitFor("PagerDuty resolved", func() bool { v, _ := pd.Incident("INC-1"); return v.Status == pdtest.StatusResolved })
	if v, _ := pd.Incident("INC-1"); strings.Join(v.Events, ",") != "trigger,acknowledge,resolve" {
		t.Errorf("PagerDuty saw %v, want trigger,acknowledge,resolve", v.Events)
	}
}

var dmLink = regexp.MustCompile(`href="/channels/([0-9a-f]+)">#dm-([a-z0-9._-]+)<`)

// dmRoom finds the builtin direct channel of a user.
func dmRoom(t *testing.T, h *harness, user string) string {
	t.Helper()
	var id string
	h.waitFor("the direct channel of @"+user, func() bool {
		_, page := h.do("GET", "/channels", nil, nil)
		for _, m := range dmLink.FindAllStringSubmatch(string(page), -1) {
			if m[2] == user {
				id = m[1]
			}
		}
		return id != ""
	})
	return id
}

// TestAckFromTheDirectMessage: the Ack button of a page's direct message
// acks the incident named in it and stops the escalation.
func TestAckFromTheDirectMessage(t *testing.T) {
	pd := pdtest.New(t)
	h := startHarness(t, pagingConfig(t, pd.URL()))
	h.api("POST", "/incidents", map[string]string{"title": "payments down", "severity": "critical"})
	onCall, _ := pagingConfigSchedules(t, h.cfg).OnCall("primary", time.Now())
	h.login(onCall)
	dm := dmRoom(t, h, onCall)
	code, _ := h.do("POST", "/channels/"+dm+"/command", formOf("command", "ack INC-1"), nil)
	if code != 303 {
		t.Fatalf("Ack button: %d", code)
	}
	if inc := h.incident("INC-1"); inc["status"] != "acked" || inc["acked_by"] != onCall {
		t.Errorf("after the DM's Ack: %v by %v", inc["status"], inc["acked_by"])
	}
	h.waitFor("PagerDuty acknowledged", func() bool { v, _ := pd.Incident("INC-1"); return v.Status == pdtest.StatusAcknowledged })
}

func pagingConfigSchedules(t *testing.T, cfg Config) onCall {
	s, err := cfg.Paging.schedules()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOnCallCommands: `warroom oncall` and /incident oncall say who is on
// call now and next.
func TestOnCallCommands(t *testing.T) {
	cfg := pagingConfig(t, "")
	cfg.Paging.PagerDuty = pagerduty.Config{}
	var out, errOut bytes.Buffer
	path := writeConfig(t, `paging:
  schedules:
    primary:
      layers:
        - name: weekly
          rotation: {members: [alice, bob], every: 1, unit: weeks, handoff_time: "09:00", start: "2026-01-05", time_zone: Europe/Berlin}
`)
	code := run(t.Context(), []string{"oncall", "-config", path, "-at", "2026-03-30T08:00:00+02:00"}, nil, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "primary: @") || !strings.Contains(out.String(), "next @") {
		t.Errorf("warroom oncall: %d %q %q", code, out.String(), errOut.String())
	}
	// 2026-03-30 is week 13 after 2026-01-05: handoff at 09:00 local, after the DST change.
	if !strings.Contains(out.String(), "from Mon 2026-03-30 07:00 UTC") {
		t.Errorf("the next handoff is not 09:00 CEST (07:00 UTC) on Monday 30 March: %s", out.String())
	}
	if code := run(t.Context(), []string{"oncall", "-config", writeConfig(t, "paging:\n  schedules:\n    x:\n      layers: []\n")}, nil, &out, &errOut); code != 1 {
		t.Errorf("a bad schedule: exit %d", code)
	}

	h := startHarness(t, cfg)
	h.api("POST", "/incidents", map[string]string{"title": "who is on", "severity": "info"})
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	if banner := h.say("/channels/"+room, "/incident oncall"); !strings.Contains(banner, "primary") {
		t.Errorf("/incident oncall answered %q", banner)
	}
}

// TestPageByHandAndWebhook: /incident page pages a person by hand, and the
// page webhook gets each page as JSON with its token.
func TestPageByHandAndWebhook(t *testing.T) {
	type hit struct {
		auth string
		body map[string]any
	}
	hits := make(chan hit, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		hits <- hit{r.Header.Get("Authorization"), body}
	}))
	defer hook.Close()
	cfg := pagingConfig(t, "")
	cfg.Paging.PagerDuty = pagerduty.Config{}
	cfg.Paging.Webhook = pagehook.Config{URL: hook.URL, Token: "page-token"}
	h := startHarness(t, cfg)
	h.api("POST", "/incidents", map[string]string{"title": "disk full", "severity": "high"})
	first := <-hits // the policy's first page
	if first.auth != "Bearer page-token" || first.body["user"] == "" || first.body["incident"].(map[string]any)["key"] != "INC-1" {
		t.Errorf("webhook page: %+v", first)
	}
	var room string
	h.waitFor("channel", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	h.login("alice")
	h.do("POST", "/channels/"+room+"/messages", formOf("text", "/incident page @dave"), nil)
	select {
	case got := <-hits:
		if got.body["user"] != "dave" || !strings.Contains(got.body["why"].(string), "paged by @alice") {
			t.Errorf("manual page: %+v", got.body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the manual page never reached the webhook")
	}
	h.waitFor("the manual page on the timeline", func() bool {
		for _, e := range h.timeline("INC-1") {
			if e.Kind == "paged" && strings.HasPrefix(e.Text, "@dave") {
				return true
			}
		}
		return false
	})
}
