package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestLifecycleOverHTTP drives the whole spine through HTTP only: alert ->
// incident -> builtin channel with the welcome post -> people talk, reply
// and pin in the channel page -> ack, severity and note by command ->
// close -> transcript stored and verified -> channel deleted -> archived.
func TestLifecycleOverHTTP(t *testing.T) {
	h := startHarness(t, testConfig(t))
	firing := readTestdata(t, "alertmanager-0.31.1-firing.json")

	// The same alert group twice makes one incident.
	code, out := h.hook(firing)
	if code != 200 || out["incident"] != "INC-1" || out["created"] != true {
		t.Fatalf("first notification: %d %v", code, out)
	}
	code, out = h.hook(firing)
	if code != 200 || out["incident"] != "INC-1" || out["created"] != false {
		t.Fatalf("repeat notification: %d %v", code, out)
	}
	if n := len(h.incidents("")); n != 1 {
		t.Fatalf("%d incidents after a repeated group, want 1", n)
	}
	if n := countKind(h.events("INC-1"), "alert_firing"); n != 1 {
		t.Errorf("the repeated alert is on the timeline %d times, want 1", n)
	}

	// The channel opens, named from the template, with the welcome post.
	var channel apiRef
	h.waitFor("channel", func() bool {
		channel = h.getIncident("INC-1").Channel
		return channel.ID != ""
	})
	if channel.Name != "inc-1-highlatency-p99-2s" || channel.Backend != "builtin" {
		t.Errorf("channel = %+v", channel)
	}
	room := "/channels/" + channel.ID
	h.login("alice")
	var page string
	h.waitFor("welcome post", func() bool {
		_, body := h.do("GET", room+"/log", nil, nil)
		page = string(body)
		return strings.Contains(page, "INC-1: HighLatency")
	})
	for _, want := range []string{"http://127.0.0.1/runbook", "alertname=HighLatency", ">Ack</button>", ">Close…</summary>"} {
		if !strings.Contains(page, want) {
			t.Errorf("welcome post lacks %q", want)
		}
	}

	// People talk in the channel page: a message, a reply, a pin.
	say := func(text, thread string) {
		t.Helper()
		code, body := h.do("POST", room+"/messages", url.Values{"text": {text}, "thread": {thread}}, nil)
		if code != http.StatusSeeOther {
			t.Fatalf("say %q: %d %s", text, code, body)
		}
	}
	say("rolling back checkout to v41", "")
	_, body := h.do("GET", room+"/log", nil, nil)
	msgID := regexp.MustCompile(`id="m-([0-9a-f]+)" class="msg"[^>]*>\s*<div class="meta"><b class="author">alice`).FindStringSubmatch(string(body))
	if msgID == nil {
		t.Fatalf("alice's message is not in the channel:\n%s", body)
	}
	say("rollback done, p99 back to 300ms", msgID[1])
	if code := h.upload(room, "the latency export", "latency.csv", []byte("t,p99\n1,2300\n2,300\n")); code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
	code, body = h.do("POST", room+"/messages/"+msgID[1]+"/pin", url.Values{}, nil)
	if code != http.StatusSeeOther {
		t.Fatalf("pin: %d %s", code, body)
	}

	// Commands: the one set of handlers, from the channel.
	command := func(text string) string {
		t.Helper()
		code, _ := h.do("POST", room+"/messages", url.Values{"text": {text}}, nil)
		if code != http.StatusSeeOther {
			t.Fatalf("%s: %d", text, code)
		}
		return text
	}
	command("/incident ack")
	inc := h.incident("INC-1")
	if inc["status"] != "acked" || inc["acked_by"] != "alice" || inc["acked_at"] == nil {
		t.Fatalf("after ack: %v", inc)
	}
	// The status post is edited in place and the header follows.
	h.waitFor("status post and header to show the ack", func() bool {
		_, page := h.do("GET", room, nil, nil)
		return strings.Contains(string(page), "acked by @alice") && strings.Contains(string(page), "critical · acked")
	})
	command("/incident severity high")
	command("/incident note customer impact limited to EU")
	command("/incident status watching error rates")
	inc = h.incident("INC-1")
	if inc["severity"] != "high" || inc["status_message"] != "watching error rates" {
		t.Errorf("after severity and status: %v", inc)
	}

	// Bad input changes nothing and says what was wrong.
	badInputs(t, h)

	// Close from the channel's button (with the reason and confirmation it
	// asks for); the archive completes on its own.
	code, _ = h.do("POST", room+"/command", url.Values{"command": {"close"}, "reason": {"fixed"}, "confirm": {"yes"}}, nil)
	if code != http.StatusSeeOther {
		t.Fatalf("close button: %d", code)
	}
	inc = h.waitStatus("INC-1", "archived")
	if inc["closed_by"] != "alice" || inc["archived_at"] == nil {
		t.Errorf("archived incident: %v", inc)
	}
	// The deleted channel's page sends people to the incident's record.
	if code, _ := h.do("GET", room, nil, nil); code != http.StatusSeeOther {
		t.Errorf("channel page after archive: %d, want a redirect to the incident", code)
	}
	if code, _ := h.do("GET", room+"/log", nil, nil); code != http.StatusNotFound {
		t.Errorf("channel log after archive: %d, want 404", code)
	}

	evs := h.timeline("INC-1")
	for kind, want := range map[string]int{"pinned": 1, "transcript_built": 1, "archive_verified": 1, "channel_deleted": 1,
		"note": 1, "severity_changed": 1, "status_update": 1} {
		if got := countEvents(evs, kind); got != want {
			t.Errorf("%d %s events, want %d", got, kind, want)
		}
	}
	verified, deleted := -1, -1
	for i, e := range evs {
		switch e.Kind {
		case "archive_verified":
			verified = i
		case "channel_deleted":
			deleted = i
		case "pinned":
			if !strings.Contains(e.Text, "rolling back checkout") || e.At.Equal(e.RecordedAt) {
				t.Errorf("pinned event does not keep the message and its time: %+v", e)
			}
		}
	}
	if verified > deleted {
		t.Errorf("channel deleted (event %d) before the archive was verified (event %d)", deleted, verified)
	}

	// The transcript: every message with author and time, the reply as a
	// reply, the timeline; stored bytes match their digest.
	code, md := h.do("GET", "/api/v1/incidents/INC-1/transcript?format=md", nil, bearerAPI)
	if code != 200 {
		t.Fatalf("transcript: %d %s", code, md)
	}
	for _, want := range []string{"# INC-1: HighLatency", "**alice**", "rolling back checkout to v41", "↳ reply to #",
		"📎 latency.csv (", "19 bytes) → INC-1-files/",
		"rollback done", "**pinned** alice", "## Timeline", "acked → closed"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("Markdown transcript lacks %q:\n%s", want, md)
		}
	}
	req, _ := http.NewRequest("GET", h.URL+"/api/v1/incidents/INC-1/transcript?format=json", nil)
	req.Header.Set("Authorization", "Bearer "+testAPIToken)
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Incident map[string]any   `json:"incident"`
		Timeline []map[string]any `json:"timeline"`
		Messages []struct {
			ID       string `json:"id"`
			ThreadID string `json:"thread_id"`
			Author   string `json:"author"`
			Text     string `json:"text"`
			At       string `json:"at"`
		} `json:"messages"`
	}
	raw := new(bytes.Buffer)
	raw.ReadFrom(resp.Body)
	if err := json.Unmarshal(raw.Bytes(), &doc); err != nil {
		t.Fatalf("JSON transcript: %v", err)
	}
	sum := sha256.Sum256(raw.Bytes())
	if got := resp.Header.Get("X-Warroom-SHA256"); got != hex.EncodeToString(sum[:]) {
		t.Errorf("served transcript hash %s, recorded %s", hex.EncodeToString(sum[:]), got)
	}
	var reply bool
	for _, m := range doc.Messages {
		if m.Text == "rollback done, p99 back to 300ms" {
			reply = m.ThreadID == msgID[1] && m.Author == "alice" && m.At != ""
		}
	}
	if !reply || doc.Incident["key"] != "INC-1" || len(doc.Timeline) == 0 {
		t.Errorf("JSON transcript is missing the reply, the incident or the timeline: %s", raw)
	}

	// An archived incident is final: 409 with a JSON error.
	code, ackRaw := h.do("POST", "/api/v1/incidents/INC-1/ack", map[string]string{"actor": "bob"}, bearerAPI)
	var ackErr apiError
	if err := json.Unmarshal(ackRaw, &ackErr); err != nil {
		t.Errorf("ack archived: %d, the answer does not decode into %T: %v\n%s", code, ackErr, err, ackRaw)
	}
	if code != http.StatusConflict || ackErr.Error.Kind != "conflict" ||
		!strings.Contains(ackErr.Error.Message, "INC-1 is archived") {
		t.Errorf("ack archived: %d %s", code, ackRaw)
	}

	// The incident page shows the archive.
	_, body = h.do("GET", "/incidents/INC-1", nil, nil)
	for _, want := range []string{"rolling back checkout to v41", "archive_verified", "INC-1-transcript.md"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	// Search finds it by what was said in the channel.
	_, body = h.do("GET", "/incidents?q="+url.QueryEscape("rolling back"), nil, nil)
	if !strings.Contains(string(body), `href="/incidents/INC-1"`) {
		t.Error("search by transcript text does not find INC-1")
	}
}

// badInputs checks that wrong tokens and malformed or oversized bodies are
// refused with a JSON error that names the problem, and change nothing.
func badInputs(t *testing.T, h *harness) {
	h.waitJobsDone("INC-1")
	before := len(h.events("INC-1"))
	nBefore := len(h.incidents(""))
	big := append([]byte(`{"version":"4","groupKey":"x","receiver":"`), bytes.Repeat([]byte("a"), 2<<20)...)
	tests := []struct {
		name, method, path string
		body               []byte
		headers            map[string]string
		wantCode           int
		wantMsg            string
	}{
		{"hook without token", "POST", "/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"), nil, 401, "Authorization: Bearer"},
		{"hook wrong token", "POST", "/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"),
			map[string]string{"Authorization": "Bearer nope"}, 401, "wrong token"},
		{"hook malformed", "POST", "/hooks/alertmanager", []byte(`{"version":"4","groupKey":`),
			map[string]string{"Authorization": "Bearer " + testAMToken}, 400, "JSON ends too early"},
		{"hook wrong version", "POST", "/hooks/alertmanager", []byte(`{"version":"2","groupKey":"g","alerts":[]}`),
			map[string]string{"Authorization": "Bearer " + testAMToken}, 400, `version is "2"`},
		{"hook oversized", "POST", "/hooks/alertmanager", big,
			map[string]string{"Authorization": "Bearer " + testAMToken}, 400, "larger than the limit"},
		{"api without token", "GET", "/api/v1/incidents", nil, nil, 401, "api.token"},
		{"api wrong token", "POST", "/api/v1/incidents/INC-1/ack", []byte(`{}`), map[string]string{"Authorization": "Bearer x"}, 401, "wrong token"},
		{"declare without title", "POST", "/api/v1/incidents", []byte(`{"title":" ","severity":"critical"}`), bearerAPI, 400, "title is required"},
		{"declare bad severity", "POST", "/api/v1/incidents", []byte(`{"title":"x","severity":"apocalyptic"}`), bearerAPI, 400, `unknown severity "apocalyptic"`},
		{"declare unknown field", "POST", "/api/v1/incidents", []byte(`{"title":"x","sevrity":"high"}`), bearerAPI, 400, `unknown field "sevrity"`},
		{"declare wrong type", "POST", "/api/v1/incidents", []byte(`{"title":42}`), bearerAPI, 400, `field "title" is a JSON number`},
		{"no such incident", "POST", "/api/v1/incidents/INC-999/ack", []byte(`{}`), bearerAPI, 404, "INC-999 does not exist"},
		{"bad key", "GET", "/api/v1/incidents/banana", nil, bearerAPI, 400, "is not an incident key"},
		{"double ack", "POST", "/api/v1/incidents/INC-1/ack", []byte(`{"actor":"bob"}`), bearerAPI, 409, "already acked by alice"},
		{"bad status filter", "GET", "/api/v1/incidents?status=sleeping", nil, bearerAPI, 400, `unknown status "sleeping"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := h.do(tt.method, tt.path, tt.body, tt.headers)
			if code != tt.wantCode {
				t.Fatalf("status %d, want %d: %s", code, tt.wantCode, body)
			}
			var e errorResponse
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Message == "" {
				t.Fatalf("not a JSON error: %s", body)
			}
			if !strings.Contains(e.Error.Message, tt.wantMsg) {
				t.Errorf("message %q does not contain %q", e.Error.Message, tt.wantMsg)
			}
		})
	}
	if after := len(h.events("INC-1")); after != before {
		t.Errorf("bad input changed the timeline: %d events, then %d", before, after)
	}
	if n := len(h.incidents("")); n != nBefore {
		t.Errorf("bad input changed the incidents: %d, then %d", nBefore, n)
	}
}

type errorResponse struct {
	Error struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

// TestSignInThrottle: wrong tokens at sign-in are counted per address; the
// sixth within a minute is refused even with the right token.
func TestSignInThrottle(t *testing.T) {
	h := startHarness(t, testConfig(t))
	for i := range 5 {
		code, _ := h.do("POST", "/login", url.Values{"name": {"mallory"}, "token": {fmt.Sprint("guess", i)}}, nil)
		if code != http.StatusSeeOther {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	code, body := h.do("POST", "/login", url.Values{"name": {"mallory"}, "token": {testAPIToken}}, nil)
	if code != http.StatusTooManyRequests || !strings.Contains(string(body), "too many wrong tokens") {
		t.Errorf("after 5 wrong tokens: %d %.200s", code, body)
	}
}
