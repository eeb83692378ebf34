package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// harness is a Server built by New on the fakes, reached through its
// Handler the way the network reaches it.
type harness struct {
	t        *testing.T
	clock    *testClock
	svc      *fakeService
	sessions *memSessions
	chat     *fakeRooms
	docs     *fakeTranscripts
	jobs     *fakeJobs
	ready    *fakeReady
	metrics  *Metrics
	kicks    atomic.Int32
	h        http.Handler
}

// t0 is the harness clock's start.
var t0 = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

// newHarness builds the server; edit changes the Deps before New (hooks,
// callbacks, no builtin chat).
func newHarness(t *testing.T, cfg Config, edit ...func(*Deps)) *harness {
	t.Helper()
	clock := &testClock{t: t0}
	x := &harness{t: t, clock: clock, svc: newFakeService(clock.Now), sessions: newMemSessions(),
		chat: newFakeRooms(clock.Now), docs: &fakeTranscripts{}, jobs: &fakeJobs{}, ready: &fakeReady{}}
	x.metrics = NewMetrics(x.jobs)
	d := Deps{Incidents: x.svc, Lifecycle: x.svc, Updates: x.svc, Alerts: x.svc, Commands: x.svc,
		Transcripts: x.docs, Jobs: x.jobs, Ready: x.ready, Sessions: x.sessions, Chat: x.chat, Metrics: x.metrics,
		Kick: func() { x.kicks.Add(1) }, Clock: clock, Sleep: clock.Sleep}
	for _, e := range edit {
		e(&d)
	}
	s, err := New(cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	x.h = s.Handler()
	return x
}

// req is one request: a method, a path, a body and headers as pairs.
type req struct {
	method, path, body string
	header             []string
	addr               string // RemoteAddr; default 192.0.2.1:1234
	cookie             *http.Cookie
}

// do serves r and returns the answer.
func (x *harness) do(r req) *httptest.ResponseRecorder {
	x.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	for i := 0; i+1 < len(r.header); i += 2 {
		if r.header[i] == "Host" {
			hr.Host = r.header[i+1] // what the server reads the Host header into
			continue
		}
		hr.Header.Set(r.header[i], r.header[i+1])
	}
	if r.addr != "" {
		hr.RemoteAddr = r.addr
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	w := httptest.NewRecorder()
	x.h.ServeHTTP(w, hr)
	return w
}

// api sends a JSON API call with an optional JSON body.
func (x *harness) api(method, path, body string, header ...string) *httptest.ResponseRecorder {
	x.t.Helper()
	if body != "" {
		header = append([]string{"Content-Type", "application/json"}, header...)
	}
	return x.do(req{method: method, path: path, body: body, header: header})
}

// form posts a URL-encoded form with the cookie.
func (x *harness) form(path string, c *http.Cookie, v url.Values) *httptest.ResponseRecorder {
	x.t.Helper()
	return x.do(req{method: "POST", path: path, body: v.Encode(), cookie: c,
		header: []string{"Content-Type", "application/x-www-form-urlencoded"}})
}

// get fetches a page with the cookie.
func (x *harness) get(path string, c *http.Cookie) *httptest.ResponseRecorder {
	x.t.Helper()
	return x.do(req{method: "GET", path: path, cookie: c})
}

// signIn signs name in (with token when the config has one) and returns
// the session cookie.
func (x *harness) signIn(name, token string) *http.Cookie {
	x.t.Helper()
	w := x.form("/login", nil, url.Values{"name": {name}, "token": {token}, "next": {"/incidents"}})
	if w.Code != http.StatusSeeOther {
		x.t.Fatalf("sign-in: %d %s", w.Code, w.Body)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c
		}
	}
	x.t.Fatalf("sign-in set no session cookie (went to %s)", w.Result().Header.Get("Location"))
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the session's CSRF token from the hidden field of a page.
func (x *harness) csrf(c *http.Cookie) string {
	x.t.Helper()
	w := x.get("/incidents", c)
	m := csrfField.FindStringSubmatch(w.Body.String())
	if m == nil {
		x.t.Fatalf("no CSRF field on /incidents (%d)", w.Code)
	}
	return m[1]
}

// decode reads a JSON answer into a T, strictly.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if ct := w.Result().Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body %s", ct, w.Body)
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %T: %v; body %s", v, err, w.Body)
	}
	return v
}

// apiError is the JSON body of every error answer.
type apiError struct {
	Error struct {
		Kind    incident.Kind `json:"kind"`
		Message string        `json:"message"`
	} `json:"error"`
}

// wantError checks an error answer: the status, the kind, and that the
// message names the problem (holds each of words).
func wantError(t *testing.T, w *httptest.ResponseRecorder, code int, kind incident.Kind, words ...string) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("status %d, want %d; body %s", w.Code, code, w.Body)
	}
	e := decode[apiError](t, w)
	if e.Error.Kind != kind {
		t.Errorf("kind %q, want %q (%s)", e.Error.Kind, kind, e.Error.Message)
	}
	for _, word := range words {
		if !strings.Contains(e.Error.Message, word) {
			t.Errorf("message %q does not say %q", e.Error.Message, word)
		}
	}
}

// wantStatus fails unless w has code.
func wantStatus(t *testing.T, w *httptest.ResponseRecorder, code int) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("status %d, want %d; body %s", w.Code, code, w.Body)
	}
}

// wantIncident compares a decoded incident with the fake's stored one
// (ID is not in the JSON).
func wantIncident(t *testing.T, got incident.Incident, want *incident.Incident) {
	t.Helper()
	if want == nil {
		t.Fatal("the fake holds no such incident")
	}
	w := *want
	w.ID = 0
	if got.Durations == nil {
		t.Error("the answer has no durations")
	} else { // open for runs until the answer's now, which it tells
		d := incident.DurationsOf(&w, w.CreatedAt.Add(time.Duration(got.Durations.OpenFor)*time.Second))
		w.Durations = &d
	}
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("incident (-want +got):\n%s", diff)
	}
}

// wantCalls compares the service calls since the last take.
func wantCalls(t *testing.T, svc *fakeService, want ...call) {
	t.Helper()
	if diff := cmp.Diff(want, svc.takeCalls()); diff != "" {
		t.Errorf("service calls (-want +got):\n%s", diff)
	}
}

// scrape reads /metrics into samples keyed by name and labels as the text
// format writes them (`name{a="x",b="y"}`).
func (x *harness) scrape() map[string]float64 {
	x.t.Helper()
	w := x.get("/metrics", nil)
	wantStatus(x.t, w, http.StatusOK)
	out := map[string]float64{}
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			x.t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}
