package main

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// evilValue is a parameter value full of shell metacharacters: it must
// reach the command as one literal argument.
const evilValue = `a b; touch /tmp/pwned $(id) "q" 'x' | cat > /dev/null & $HOME`

// actionsFixture is a config with four actions, the program that records
// its argv, and the HTTP endpoint of the deploy action.
type actionsFixture struct {
	argvFile string
	deploys  atomic.Int32
	lastBody atomic.Value
	srv      *httptest.Server
}

func newActionsFixture(t *testing.T, cfg *Config) *actionsFixture {
	t.Helper()
	f := &actionsFixture{}
	dir := t.TempDir()
	f.argvFile = filepath.Join(dir, "argv.txt")
	script := filepath.Join(dir, "record-argv.sh")
	// Each argument on a line of its own, after its length: one line means
	// one argument.
	body := fmt.Sprintf("#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\t%%s\\n' \"${#a}\" \"$a\" >> %s; done\necho \"restarted: $1\"\n", f.argvFile)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	slow := filepath.Join(dir, "slow.sh")
	os.WriteFile(slow, []byte("#!/bin/sh\necho working\nsleep 30\n"), 0o755)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "deploys are POSTed", http.StatusMethodNotAllowed)
			return
		}
		b := make([]byte, 1024)
		n, _ := r.Body.Read(b)
		f.lastBody.Store(string(b[:n]) + " auth=" + r.Header.Get("Authorization"))
		f.deploys.Add(1)
		fmt.Fprintf(w, "deploy of %s queued", r.URL.Query().Get("version"))
	}))
	t.Cleanup(f.srv.Close)
	t.Setenv("TEST_DEPLOY_TOKEN", "dt-0123456789")
	cfg.Groups = map[string][]string{"ops": {"alice", "carol"}}
	cfg.Actions = []ActionConfig{
		{Name: "restart", Description: "restart a service (records its argv)", Users: []string{"alice"},
			Params:  []ActionParamConfig{{Name: "what", Pattern: `(?s).+`}},
			Command: &ActionCommandConfig{Path: script, Args: []string{"{{.Params.what}}", "{{.Incident.Key}}"}}},
		{Name: "deploy", Description: "deploy a version", Groups: []string{"ops"}, Secrets: []string{"TEST_DEPLOY_TOKEN"},
			Params: []ActionParamConfig{{Name: "version", Pattern: `v[0-9]+`}},
			HTTP: &ActionHTTPConfig{URL: f.srv.URL + "/deploy?version={{.Params.version}}",
				Headers: map[string]string{"Authorization": `Bearer {{secret "TEST_DEPLOY_TOKEN"}}`},
				Body:    `{"version": "{{.Params.version}}", "incident": "{{.Incident.Key}}"}`}},
		{Name: "failover", Description: "fail the database over", Users: []string{"alice", "bob"}, Confirm: true,
			Params:  []ActionParamConfig{{Name: "to", Allowed: []string{"db1", "db2"}}},
			Command: &ActionCommandConfig{Path: script, Args: []string{"failover-to-{{.Params.to}}"}}},
		{Name: "slow", Description: "takes too long", Users: []string{"alice"}, Timeout: 300 * time.Millisecond,
			Command: &ActionCommandConfig{Path: slow}},
	}
	return f
}

// runFinished waits for the action_finished event of run n and returns
// its text.
func (h *harness) runFinished(key string, n int) string {
	h.t.Helper()
	ref := fmt.Sprintf("run/%d/", n)
	var text string
	h.waitFor(fmt.Sprintf("run %d to finish", n), func() bool {
		for _, ev := range h.timeline(key) {
			if ev.Kind == "action_finished" && strings.HasPrefix(ev.Ref, ref) {
				text = ev.Text
				return true
			}
		}
		return false
	})
	return text
}

var confirmButtonRE = regexp.MustCompile(`name="command" value="(confirm \d+)"`)

// TestActionsThroughBuiltinChat: from the builtin channel, an allowed user
// runs a local command (a value with shell metacharacters reaches it as one
// argument) and an HTTP call; mistakes and a user not allowed are refused
// with what to do, on the timeline too; a confirmation is asked and given
// with the card's button; a timeout stops the action and says so; the
// outputs are posted and their files end in the transcript.
func TestActionsThroughBuiltinChat(t *testing.T) {
	cfg := testConfig(t)
	f := newActionsFixture(t, &cfg)
	h := startHarness(t, cfg)
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is down", "severity": "high"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	key := inc.Key
	room := "/channels/" + h.channelID(key)
	h.login("alice")

	// A local command, with a quoted value full of metacharacters.
	if banner := h.say(room, `/incident run restart what="`+strings.ReplaceAll(evilValue, `"`, `\"`)+`"`); !strings.Contains(banner, "@alice runs restart") {
		t.Fatalf("run restart answered %q", banner)
	}
	if text := h.runFinished(key, 1); !strings.Contains(text, "exit status 0") || !strings.Contains(text, "by @alice") {
		t.Errorf("restart's timeline entry: %q", text)
	}
	argv, _ := os.ReadFile(f.argvFile)
	if want := fmt.Sprintf("%d\t%s\n%d\t%s\n", len(evilValue), evilValue, len(key), key); string(argv) != want {
		t.Errorf("the command got\n%s\nwant exactly two arguments\n%s", argv, want)
	}
	if _, err := os.Stat("/tmp/pwned"); err == nil {
		t.Error("a shell ran the value: /tmp/pwned exists")
	}

	// An HTTP call through a group, with a secret that is never shown.
	if banner := h.say(room, "/incident run deploy version=v42"); !strings.Contains(banner, "runs deploy version=v42") {
		t.Fatalf("run deploy answered %q", banner)
	}
	if text := h.runFinished(key, 2); !strings.Contains(text, "HTTP 200 OK") {
		t.Errorf("deploy's timeline entry: %q", text)
	}
	if got := f.lastBody.Load(); got != `{"version": "v42", "incident": "`+key+`"} auth=Bearer dt-0123456789` {
		t.Errorf("the endpoint got %v", got)
	}

	// Refusals that teach.
	refusals := []struct{ text, says string }{
		{"/incident run deplyo version=v1", `no action "deplyo"; did you mean deploy?`},
		{"/incident run deploy version=latest", `version="latest" does not match v[0-9]+`},
		{"/incident run failover to=db3", `to="db3" is not allowed; use one of db1, db2`},
		{"/incident run deploy", "deploy needs version: /incident run deploy version=<v[0-9]+>"},
		{`/incident run restart what="unclosed`, "quote is not closed"},
	}
	for _, r := range refusals {
		if banner := h.say(room, r.text); !strings.Contains(banner, r.says) {
			t.Errorf("%s answered %q, want %q", r.text, banner, r.says)
		}
	}
	h.login("mallory")
	if banner := h.say(room, "/incident run deploy version=v1"); !strings.Contains(banner, "@mallory may not run deploy; who may: group ops (@alice, @carol)") {
		t.Errorf("mallory's run answered %q", banner)
	}
	if banner := h.say(room, "/incident actions"); !strings.Contains(banner, "you may not run it") || !strings.Contains(banner, "/incident run deploy version=<v[0-9]+>") {
		t.Errorf("/incident actions for mallory: %q", banner)
	}

	// A confirmation: asked by alice, the card's button pressed by bob.
	h.login("alice")
	if banner := h.say(room, "/incident run failover to=db2"); !strings.Contains(banner, "waits for a confirmation") {
		t.Fatalf("failover answered %q", banner)
	}
	var button string
	h.waitFor("the Confirm button", func() bool {
		_, page := h.do("GET", room, nil, nil)
		if m := confirmButtonRE.FindSubmatch(page); m != nil {
			button = string(m[1])
		}
		return button != ""
	})
	if countEvents(h.timeline(key), "action_finished") != 2 {
		t.Error("failover ran before it was confirmed")
	}
	h.login("bob")
	if code, body := h.do("POST", room+"/command", url.Values{"command": {button}}, nil); code != http.StatusSeeOther {
		t.Fatalf("press Confirm: %d %s", code, body)
	}
	if text := h.runFinished(key, 3); !strings.Contains(text, "exit status 0") {
		t.Errorf("failover's timeline entry: %q", text)
	}
	if banner := h.say(room, "/incident "+button); !strings.Contains(banner, "nothing to confirm") {
		t.Errorf("a second confirmation answered %q", banner)
	}

	// A timeout.
	h.login("alice")
	h.say(room, "/incident run slow")
	if text := h.runFinished(key, 4); !strings.Contains(text, "timed out after 300ms") || !strings.Contains(text, "slow.sh") {
		t.Errorf("slow's timeline entry: %q", text)
	}

	// The timeline holds who tried what.
	evs := h.timeline(key)
	refused := 0
	for _, ev := range evs {
		if ev.Kind == "action_refused" {
			refused++
			if strings.Contains(ev.Text, "mallory") && !strings.Contains(ev.Text, "@mallory tried /incident run deploy version=v1") {
				t.Errorf("mallory's refusal reads %q", ev.Text)
			}
		}
		if strings.Contains(ev.Text, "dt-0123456789") {
			t.Errorf("the secret is on the timeline: %q", ev.Text)
		}
	}
	if refused != len(refusals)+1 {
		t.Errorf("%d refusals on the timeline, want %d", refused, len(refusals)+1)
	}
	if countEvents(evs, "action_confirmed") != 1 || countEvents(evs, "action_requested") != 4 {
		t.Errorf("requested %d confirmed %d, want 4 and 1", countEvents(evs, "action_requested"), countEvents(evs, "action_confirmed"))
	}
	h.waitJobsDone(key)
	_, page := h.do("GET", room, nil, nil)
	for _, want := range []string{"restart-run-1.txt", "deploy-run-2.txt", "deploy of v42 queued", "timed out after 300ms"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the channel does not show %q", want)
		}
	}

	// The archive keeps the outputs' files.
	if code, out := h.api("POST", "/incidents/"+key+"/close", map[string]string{"actor": "alice", "reason": "done"}); code != 200 {
		t.Fatalf("close: %d %v", code, out)
	}
	h.waitStatus(key, "archived")
	_, doc := h.do("GET", "/api/v1/incidents/"+key+"/transcript?format=json", nil, bearerAPI)
	for _, want := range []string{`"restart-run-1.txt"`, `"deploy-run-2.txt"`, "restarted: " + strings.Fields(evilValue)[0]} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the transcript does not hold %s", want)
		}
	}
	if strings.Contains(string(doc), "dt-0123456789") {
		t.Error("the transcript holds the secret")
	}
}

// TestActionsOverTheCommandsAPI: the same rules over the commands API: a
// run as the named actor, a refusal as 403 naming who may.
func TestActionsOverTheCommandsAPI(t *testing.T) {
	cfg := testConfig(t)
	f := newActionsFixture(t, &cfg)
	h := startHarness(t, cfg)
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is down", "severity": "high"}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	path := "/api/v1/incidents/" + inc.Key + "/commands"
	code, raw := h.do("POST", path, map[string]string{"actor": "carol", "text": "run deploy version=v7"}, bearerAPI)
	if code != 200 || !strings.Contains(string(raw), "@carol runs deploy version=v7") {
		t.Fatalf("run over the API: %d %s", code, raw)
	}
	if text := h.runFinished(inc.Key, 1); !strings.Contains(text, "HTTP 200 OK") || f.deploys.Load() != 1 {
		t.Errorf("deploy: %q, %d calls", text, f.deploys.Load())
	}
	code, raw = h.do("POST", path, map[string]string{"actor": "mallory", "text": "run deploy version=v7"}, bearerAPI)
	if code != http.StatusForbidden || !strings.Contains(string(raw), "who may: group ops") {
		t.Errorf("mallory over the API: %d %s", code, raw)
	}
	code, raw = h.do("POST", path, map[string]string{"actor": "alice", "text": "run nosuch"}, bearerAPI)
	if code != http.StatusNotFound || !strings.Contains(string(raw), `no action \"nosuch\"`) {
		t.Errorf("an unknown action over the API: %d %s", code, raw)
	}
}

var suggestedButtonRE = regexp.MustCompile(`name="command" value="(run restart what(?:=|&#61;)pods)"`)

// TestRunbookSuggestsActions: a runbook's front matter names actions, the
// runbook post offers them as buttons, and a button runs the action.
func TestRunbookSuggestsActions(t *testing.T) {
	cfg := testConfig(t)
	f := newActionsFixture(t, &cfg)
	cfg.Runbooks.Dir = t.TempDir()
	md := "---\nservice: checkout\nactions: [\"restart what=pods\"]\n---\n# Checkout down\n\nRestart the pods.\n"
	if err := os.WriteFile(filepath.Join(cfg.Runbooks.Dir, "checkout.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	h := startHarness(t, cfg)
	var inc apiIncident
	if code := h.apiInto("POST", "/incidents", map[string]any{"title": "checkout is down", "severity": "high",
		"labels": map[string]string{"service": "checkout"}}, &inc); code != 201 {
		t.Fatalf("declare: %d", code)
	}
	room := "/channels/" + h.channelID(inc.Key)
	h.login("alice")
	var button string
	defer func() {
		if t.Failed() {
			_, page := h.do("GET", room, nil, nil)
			i := strings.Index(string(page), "Runbook")
			t.Logf("page: %s", page[max(0, i-200):min(len(page), i+3000)])
		}
	}()
	h.waitFor("the suggested action's button", func() bool {
		_, page := h.do("GET", room, nil, nil)
		if m := suggestedButtonRE.FindSubmatch(page); m != nil {
			button = html.UnescapeString(string(m[1]))
		}
		return button != ""
	})
	if code, body := h.do("POST", room+"/command", url.Values{"command": {button}}, nil); code != http.StatusSeeOther {
		t.Fatalf("press the button: %d %s", code, body)
	}
	if text := h.runFinished(inc.Key, 1); !strings.Contains(text, "exit status 0") {
		t.Errorf("the suggested run: %q", text)
	}
	if argv, _ := os.ReadFile(f.argvFile); !strings.HasPrefix(string(argv), "4\tpods\n") {
		t.Errorf("the command got %q", argv)
	}
}
