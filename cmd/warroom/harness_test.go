package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Secrets the test service is configured with.
const (
	testAPIToken = "api-secret"
	testAMToken  = "am-secret"
)

// harness runs the whole service in-process on port 0 with a temp database
// and drives it through HTTP only.
type harness struct {
	t      testing.TB
	URL    string
	cfg    Config
	client *http.Client
	cancel context.CancelFunc
	done   chan error
	// csrf is the session's CSRF token after login; do adds it to the
	// forms it posts to the UI, as the page's hidden field does.
	csrf    string
	stopped bool
}

// testConfig is the embedded default with a temp database, port 0, secrets
// set and quick retries.
func testConfig(t testing.TB) Config {
	cfg := defaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.PublicURL = "http://warroom.test"
	cfg.Store.DSN = filepath.Join(t.TempDir(), "warroom.db")
	cfg.API.Token = testAPIToken
	cfg.Sources.Alertmanager.Token = testAMToken
	cfg.Jobs.BaseDelay = Duration(10 * time.Millisecond)
	cfg.Jobs.MaxDelay = Duration(200 * time.Millisecond)
	cfg.Log.Level = "warn"
	return cfg
}

func startHarness(t testing.TB, cfg Config) *harness {
	t.Helper()
	return startHarnessOn(t, cfg, nil, testLogWriter{t})
}

// startHarnessLog is startHarness with the service's log written to logOut.
func startHarnessLog(t testing.TB, cfg Config, logOut io.Writer) *harness {
	t.Helper()
	return startHarnessOn(t, cfg, nil, logOut)
}

// reserveListener opens a listener on a free loopback port and keeps it
// open, so that the address can be given to peers (a webhook URL, a slash
// command) before warroom starts on it with startHarnessOn: no other
// process can take the port meanwhile. Set cfg.Listen to its address.
func reserveListener(t testing.TB) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // a second close (by the service) is harmless
	return ln, ln.Addr().String()
}

// startHarnessOn is startHarnessLog serving on ln (from reserveListener),
// or on cfg.Listen when ln is nil.
func startHarnessOn(t testing.TB, cfg Config, ln net.Listener, logOut io.Writer) *harness {
	t.Helper()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m, err := NewMainOn(ctx, cfg, ln, logOut)
	if err != nil {
		cancel()
		t.Fatalf("NewMain: %v", err)
	}
	jar, _ := cookiejar.New(nil)
	h := &harness{t: t, URL: "http://" + m.Addr(), cfg: cfg, cancel: cancel, done: make(chan error, 1),
		client: noRedirectClient(jar)}
	go func() { h.done <- m.Run(ctx); m.Close() }()
	t.Cleanup(h.stop)
	h.waitFor("readyz", func() bool { code, _ := h.do("GET", "/readyz", nil, nil); return code == 200 })
	return h
}

// noRedirectClient shows redirects to the test instead of following them.
func noRedirectClient(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (h *harness) stop() {
	if h.stopped {
		return
	}
	h.stopped = true
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Error("service did not stop within 15s")
	}
}

type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// do sends a request; body may be nil, a []byte, url.Values (a form) or a
// value to encode as JSON. headers are pairs.
func (h *harness) do(method, path string, body any, headers map[string]string) (int, []byte) {
	h.t.Helper()
	var r io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		r, ctype = bytes.NewReader(b), "application/json"
	case url.Values:
		if _, set := b["csrf"]; !set && h.csrf != "" && !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/hooks/") {
			b = cloneValues(b)
			b.Set("csrf", h.csrf)
		}
		r, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		r, ctype = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, h.URL+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v // what a browser sends for a rebound DNS name
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

var bearerAPI = map[string]string{"Authorization": "Bearer " + testAPIToken}

// api calls the JSON API with the right token and decodes the answer.
func (h *harness) api(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	code, raw := h.do(method, "/api/v1"+path, body, bearerAPI)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			h.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return code, out
}

// hook posts an Alertmanager webhook with the right token.
// alertRoom sends the recorded Alertmanager alert, which opens INC-1, and
// returns the ID of INC-1's room once it has one.
func (h *harness) alertRoom() string {
	h.t.Helper()
	if code, out := h.hook(readTestdata(h.t, "alertmanager-0.31.1-firing.json")); code != 200 || out["created"] != true {
		h.t.Fatalf("alert: %d %v", code, out)
	}
	var room string
	h.waitFor("room", func() bool {
		room = h.getIncident("INC-1").Channel.ID
		return room != ""
	})
	return room
}

// teamAlert sends group n's warning alert with label team, and returns
// the key of the incident it went to.
func (h *harness) teamAlert(n int, team string) string {
	h.t.Helper()
	code, ans := h.hookInto(groupAlert(h.t, n, "warning", "firing", map[string]string{"team": team}))
	if code != 200 && code != 202 {
		h.t.Fatalf("alert %d: %d %+v", n, code, ans)
	}
	return ans.Incident
}

func (h *harness) hook(body []byte) (int, map[string]any) {
	h.t.Helper()
	code, raw := h.do("POST", "/hooks/alertmanager", body, map[string]string{"Authorization": "Bearer " + testAMToken})
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return code, out
}

// hookInto posts an Alertmanager webhook with the right token and decodes
// the answer, typed; an answer that does not decode fails the test.
func (h *harness) hookInto(body []byte) (int, apiHookAnswer) {
	h.t.Helper()
	code, raw := h.do("POST", "/hooks/alertmanager", body, map[string]string{"Authorization": "Bearer " + testAMToken})
	var out apiHookAnswer
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("POST /hooks/alertmanager: the answer does not decode into %T: %v\n%s", out, err, raw)
	}
	return code, out
}

func (h *harness) incident(key string) map[string]any {
	h.t.Helper()
	code, inc := h.api("GET", "/incidents/"+key, nil)
	if code != 200 {
		h.t.Fatalf("GET incident %s: %d %v", key, code, inc)
	}
	return inc
}

// events returns the timeline, each event as a map (see timeline for the
// typed events).
func (h *harness) events(key string) []map[string]any {
	h.t.Helper()
	var out struct {
		Events []map[string]any `json:"events"`
	}
	h.get("/incidents/"+key+"/timeline", &out)
	return out.Events
}

// apiInto calls the JSON API with the right token and decodes a 2xx answer
// into out (nil: not decoded); an answer that does not decode fails the
// test with the body. It returns the status; other statuses are the test's
// to judge.
func (h *harness) apiInto(method, path string, body, out any) int {
	h.t.Helper()
	code, raw := h.do(method, "/api/v1"+path, body, bearerAPI)
	if out != nil && code/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			h.t.Fatalf("%s %s: the answer does not decode into %T: %v\n%s", method, path, out, err, raw)
		}
	}
	return code
}

// get reads a JSON API resource into out; anything but 200 fails the test.
func (h *harness) get(path string, out any) {
	h.t.Helper()
	if code := h.apiInto("GET", path, nil, out); code != http.StatusOK {
		_, raw := h.do("GET", "/api/v1"+path, nil, bearerAPI)
		h.t.Fatalf("GET %s: %d %s", path, code, raw)
	}
}

// getIncident returns the incident, typed.
func (h *harness) getIncident(key string) apiIncident {
	h.t.Helper()
	var inc apiIncident
	h.get("/incidents/"+key, &inc)
	return inc
}

// incidents lists the incidents a query finds (e.g. "?limit=1000").
func (h *harness) incidents(query string) []apiIncident {
	h.t.Helper()
	var out struct {
		Incidents []apiIncident `json:"incidents"`
	}
	h.get("/incidents"+query, &out)
	return out.Incidents
}

// timeline returns the incident's timeline, typed.
func (h *harness) timeline(key string) []apiEvent {
	h.t.Helper()
	var out struct {
		Events []apiEvent `json:"events"`
	}
	h.get("/incidents/"+key+"/timeline", &out)
	return out.Events
}

// jobs returns the incident's durable jobs, typed.
func (h *harness) jobs(key string) []apiJob {
	h.t.Helper()
	var out struct {
		Jobs []apiJob `json:"jobs"`
	}
	h.get("/incidents/"+key+"/jobs", &out)
	return out.Jobs
}

// channelID waits for the incident's channel and returns its ID.
func (h *harness) channelID(key string) string {
	h.t.Helper()
	var id string
	h.waitFor(key+"'s channel", func() bool { id = h.getIncident(key).Channel.ID; return id != "" })
	return id
}

// countEvents counts the typed events of one kind.
func countEvents(evs []apiEvent, kind string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func countKind(evs []map[string]any, kind string) int {
	n := 0
	for _, e := range evs {
		if e["kind"] == kind {
			n++
		}
	}
	return n
}

// login signs in to the web UI as name, and keeps the session's CSRF
// token from the page, as a browser has it in the page's forms.
func (h *harness) login(name string) {
	h.t.Helper()
	code, body := h.do("POST", "/login", url.Values{"name": {name}, "token": {testAPIToken}, "next": {"/incidents"}}, nil)
	if code != http.StatusSeeOther {
		h.t.Fatalf("login: %d %s", code, body)
	}
	h.csrf = h.pageCSRF("/incidents")
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// pageCSRF reads the CSRF token from a page's forms.
func (h *harness) pageCSRF(path string) string {
	h.t.Helper()
	code, page := h.do("GET", path, nil, nil)
	m := csrfField.FindSubmatch(page)
	if code != 200 || m == nil {
		h.t.Fatalf("GET %s: %d, no CSRF token in the page:\n%s", path, code, page)
	}
	return string(m[1])
}

func newJar() http.CookieJar {
	jar, _ := cookiejar.New(nil)
	return jar
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	h.waitWithin(what, 20*time.Second, cond)
}

// waitWithin is waitFor with a deadline of its own, for a run that is slow
// by design (a peer that answers 2 requests a second).
func (h *harness) waitWithin(what string, limit time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *harness) waitStatus(key, status string) map[string]any {
	h.t.Helper()
	var inc map[string]any
	h.waitFor(key+" to be "+status, func() bool { inc = h.incident(key); return inc["status"] == status })
	return inc
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "integrations", "alertmanager", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// formOf builds a one-field form.
func formOf(k, v string) url.Values { return url.Values{k: {v}} }

// upload posts a message with a file to a builtin channel, as the browser's
// multipart form does.
func (h *harness) upload(room, text, name string, data []byte) int {
	h.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("text", text)
	w.WriteField("csrf", h.csrf)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	code, _ := h.do("POST", room+"/messages", buf.Bytes(), map[string]string{"Content-Type": w.FormDataContentType()})
	return code
}

// waitJobsDone waits until every job of the incident has finished, so that
// a test can count timeline events without racing the runner.
func (h *harness) waitJobsDone(key string) {
	h.t.Helper()
	h.waitFor(key+"'s jobs", func() bool {
		for _, j := range h.jobs(key) {
			if j.State == "pending" || j.State == "running" {
				return false
			}
		}
		return true
	})
}

// replyRE finds warroom's reply to what was typed, in the channel's log.
var replyRE = regexp.MustCompile(`(?s)<li class="msg ephemeral[^"]*" id="reply".*?<div class="text md">(.*?)</div>\s*</li>`)

var tagRE = regexp.MustCompile(`<[^>]+>`)

// say posts text to a builtin channel as the compose form does, follows the
// redirect and returns the reply the log shows (a command's), as text, or "".
func (h *harness) say(room, text string) string {
	h.t.Helper()
	code, body := h.do("POST", room+"/messages", url.Values{"text": {text}}, nil)
	if code != http.StatusSeeOther {
		h.t.Fatalf("say %q: %d %s", text, code, body)
	}
	_, page := h.do("GET", room, nil, nil)
	if m := replyRE.FindSubmatch(page); m != nil {
		return html.UnescapeString(tagRE.ReplaceAllString(string(m[1]), ""))
	}
	return ""
}
