package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/icinga2/icingatest"
)

// icingaDowntime is a Downtime object as Icinga 2's object API answers it.
type icingaDowntime struct {
	Name  string `json:"name"`
	Attrs struct {
		HostName    string  `json:"host_name"`
		ServiceName string  `json:"service_name"`
		Author      string  `json:"author"`
		Comment     string  `json:"comment"`
		StartTime   float64 `json:"start_time"`
		EndTime     float64 `json:"end_time"`
		Fixed       bool    `json:"fixed"`
	} `json:"attrs"`
}

// icingaDowntimes lists every downtime in the Icinga 2 (none: empty).
func icingaDowntimes(t *testing.T, ic *icingatest.Server) []icingaDowntime {
	t.Helper()
	pem, err := os.ReadFile(ic.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest("GET", ic.URL+"/v1/objects/downtimes", nil)
	req.SetBasicAuth(ic.User, ic.Password)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Results []icingaDowntime `json:"results"`
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("GET /v1/objects/downtimes: %s", resp.Status)
	}
	return out.Results
}

// TestDowntimeFromChatInRealIcinga: /incident downtime schedules a fixed
// downtime of the incident's service in a real Icinga 2, by the chat user,
// with the comment and the end asked; it is posted and on the timeline;
// /incident downtime cancel removes it; bad input says what to type.
func TestDowntimeFromChatInRealIcinga(t *testing.T) {
	ic := icingatest.Start(t)
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "warroom-downtime"}
	h := startHarness(t, cfg)
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - 503")
	h.waitFor("incident from Icinga 2", func() bool { return len(h.incidents("")) == 1 })
	key := "INC-1"
	room := "/channels/" + h.channelID(key)

	for text, says := range map[string]string{
		"downtime soon":          "write a duration like 30m, 2h or 1d",
		"downtime":               "downtime needs an argument: /incident downtime <duration> [comment]",
		"downtime 40d long time": "is longer than 30 days",
	} {
		if code, reply := h.command(key, "dbadmin", text); code != 400 || !strings.Contains(reply, says) || !strings.Contains(reply, "/incident downtime ") {
			t.Errorf("%q: %d %q, want 400 saying %q and what to type", text, code, reply, says)
		}
	}

	asked := time.Now()
	if code, reply := h.command(key, "dbadmin", "downtime 2d DB tablespace maintenance"); code != 200 || !strings.Contains(reply, "lasting 2 days") {
		t.Fatalf("downtime: %d %q", code, reply)
	}
	h.waitJobsDone(key)
	list := icingaDowntimes(t, ic)
	if len(list) != 1 {
		t.Fatalf("%d downtimes in Icinga 2, want 1: %+v", len(list), list)
	}
	d := list[0].Attrs
	if d.HostName != icingatest.Host || d.ServiceName != icingatest.Service || d.Author != "dbadmin" || !d.Fixed ||
		!strings.HasPrefix(d.Comment, "DB tablespace maintenance [warroom INC-1]") {
		t.Errorf("downtime %+v", d)
	}
	if want := float64(asked.Add(48 * time.Hour).Unix()); d.EndTime < want-60 || d.EndTime > want+60 {
		t.Errorf("downtime ends at %v, want about %v", d.EndTime, want)
	}
	h.login("alice")
	if page := h.chatPage(room); !strings.Contains(page, "@dbadmin scheduled downtime for web1!http lasting 2 days because DB tablespace maintenance") {
		t.Errorf("the channel does not show the downtime in plain words")
	}
	if n := countEvents(h.timeline(key), "downtime_scheduled"); n != 1 {
		t.Errorf("%d downtime_scheduled events, want 1", n)
	}

	if banner := h.say(room, "/incident downtime cancel"); !strings.Contains(banner, "cancel the downtime of web1!http") {
		t.Errorf("cancel answered %q", banner)
	}
	h.waitJobsDone(key)
	if list := icingaDowntimes(t, ic); len(list) != 0 {
		t.Errorf("after cancel, %d downtimes remain: %+v", len(list), list)
	}
	if page := h.chatPage(room); !strings.Contains(page, "@alice cancelled the downtime of web1!http") {
		t.Errorf("the channel does not show the cancel")
	}
}

// TestDowntimeOfAnIncidentNotFromIcinga: an incident from elsewhere has no
// object to put in downtime, and the command says what to use instead.
func TestDowntimeOfAnIncidentNotFromIcinga(t *testing.T) {
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{URL: "https://127.0.0.1:1", User: "u", Password: "p"}
	h := startHarness(t, cfg)
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "db slow"}, &inc); code != http.StatusCreated {
		t.Fatalf("declare: %d", code)
	}
	if code, reply := h.command(inc.Key, "alice", "downtime 2h maintenance"); code != 400 || !strings.Contains(reply, "did not come from Icinga 2") {
		t.Errorf("downtime of an API incident: %d %q", code, reply)
	}
	plain := startHarness(t, testConfig(t))
	if code := plain.apiInto("POST", "/incidents", map[string]any{"title": "db slow"}, &inc); code != http.StatusCreated {
		t.Fatalf("declare: %d", code)
	}
	if code, reply := plain.command(inc.Key, "alice", "downtime 2h x"); code != 409 || !strings.Contains(reply, "set sources.icinga2.url") {
		t.Errorf("without Icinga 2: %d %q, want 409 saying how to configure it", code, reply)
	}
}

// TestDowntimeMadeInIcingaIsPosted: a downtime scheduled in Icinga 2
// itself for an open incident's service is posted in its channel in plain
// words when it is added and when it starts, and again when it is removed,
// each once.
func TestDowntimeMadeInIcingaIsPosted(t *testing.T) {
	ic := icingatest.Start(t)
	cfg := testConfig(t)
	cfg.Sources.Icinga2 = Icinga2Config{URL: ic.URL, User: ic.User, Password: ic.Password, CAFile: ic.CAFile, Queue: "warroom-downtime-events"}
	h := startHarness(t, cfg)
	ic.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - 503")
	h.waitFor("incident from Icinga 2", func() bool { return len(h.incidents("")) == 1 })
	key := "INC-1"
	room := "/channels/" + h.channelID(key)
	h.login("alice")

	ic.ScheduleDowntime(t, icingatest.Host, icingatest.Service, "dbadmin", "DB tablespace maintenance", 48*time.Hour)
	h.waitFor("the downtime posted", func() bool {
		return strings.Contains(h.chatPage(room), "dbadmin scheduled downtime for http on web1 lasting 2 days because DB tablespace maintenance.")
	})
	h.waitFor("its start posted", func() bool {
		return strings.Contains(h.chatPage(room), "The downtime dbadmin scheduled for http on web1 started")
	})
	ic.RemoveDowntimes(t, icingatest.Host, icingatest.Service)
	h.waitFor("its removal posted", func() bool {
		return strings.Contains(h.chatPage(room), "The downtime dbadmin scheduled for http on web1 was removed because DB tablespace maintenance.")
	})
	h.waitJobsDone(key)
	if n := countEvents(h.timeline(key), "downtime"); n != 3 {
		t.Errorf("%d downtime events, want 3 (added, started, removed)", n)
	}
	if n := strings.Count(h.chatPage(room), "dbadmin scheduled downtime for http on web1"); n != 1 {
		t.Errorf("the downtime was posted %d times, want once", n)
	}
}
