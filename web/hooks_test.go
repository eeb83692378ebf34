package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/incident"
)

// testPayload is the body the test hooks decode, standing in for a
// source's own payload.
type testPayload struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Resolved bool   `json:"resolved"`
}

// decodeTest is a hook's Decode: strict JSON into an alert group of one
// alert (none when the key is "empty").
func decodeTest(body []byte) (incident.AlertGroup, error) {
	var p testPayload
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return incident.AlertGroup{}, incident.Errorf(incident.KindInvalid, "test payload: %s", incident.JSONProblem(err))
	}
	g := incident.AlertGroup{Source: "test", DedupKey: p.Key, Title: p.Title}
	if p.Key != "empty" {
		g.Alerts = []incident.Alert{{Fingerprint: p.Key + "-1", Firing: !p.Resolved, Name: p.Title, StartsAt: t0}}
	}
	return g, nil
}

// The test hooks: one with a bearer token, one that verifies a signature,
// one with neither (off).
var (
	tokenHook  = Hook{Path: "/hooks/alertmanager", Source: "alertmanager", Token: "am-secret", Key: "sources.alertmanager.token", Decode: decodeTest}
	signedHook = Hook{Path: "/hooks/grafana", Source: "grafana", Key: "sources.grafana.secret", Decode: decodeTest,
		Verify: func(r *http.Request, body []byte) error {
			if r.Header.Get("X-Signature") != "sig:"+string(body) {
				return incident.Errorf(incident.KindUnauthorized, "the X-Signature header does not match the body")
			}
			return nil
		}}
	offHook = Hook{Path: "/hooks/generic", Source: "generic", Key: "sources.generic.token", Decode: decodeTest}
)

func withHooks(hooks ...Hook) func(*Deps) { return func(d *Deps) { d.Hooks = hooks } }

// hookAnswer is what a hook answers when it took the notification.
type hookAnswer struct {
	Status   string `json:"status"`
	Incident string `json:"incident,omitempty"`
	Created  *bool  `json:"created,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

func ptr[T any](v T) *T { return &v }

const firing = `{"key":"g1","title":"HighLatency"}`

func TestHookAuth(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		header []string
		code   int
		says   []string
	}{
		{"no token", "/hooks/alertmanager", nil, 401, []string{`send "Authorization: Bearer <sources.alertmanager.token>"`}},
		{"a wrong token", "/hooks/alertmanager", []string{"Authorization", "Bearer nope"}, 401, []string{"missing or wrong token"}},
		{"the api token is not the hook's", "/hooks/alertmanager", []string{"Authorization", "Bearer api-secret"}, 401, []string{"missing or wrong token"}},
		{"the token", "/hooks/alertmanager", []string{"Authorization", "Bearer am-secret"}, 200, nil},
		{"a bad signature", "/hooks/grafana", []string{"X-Signature", "sig:other"}, 401, []string{"X-Signature header does not match"}},
		{"the signature", "/hooks/grafana", []string{"X-Signature", "sig:" + firing}, 200, nil},
		{"a hook without a secret is off", "/hooks/generic", nil, 401,
			[]string{"POST /hooks/generic is off: it has no secret", "set sources.generic.token", "warroom secret"}},
		{"a hook without a secret is off, whatever is sent", "/hooks/generic", []string{"Authorization", "Bearer "}, 401,
			[]string{"POST /hooks/generic is off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newHarness(t, Config{APIToken: "api-secret"}, withHooks(tokenHook, signedHook, offHook))
			w := x.do(req{method: "POST", path: tt.path, body: firing, header: tt.header})
			if tt.code != 200 {
				wantError(t, w, tt.code, incident.KindUnauthorized, tt.says...)
				wantCalls(t, x.svc)
				return
			}
			wantStatus(t, w, 200)
			if diff := cmp.Diff(hookAnswer{Status: "accepted", Incident: "INC-1", Created: ptr(true)}, decode[hookAnswer](t, w)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHookIngest(t *testing.T) {
	bearer := []string{"Authorization", "Bearer am-secret"}
	x := newHarness(t, Config{MaxBodyBytes: 256}, withHooks(tokenHook))
	steps := []struct {
		name string
		body string
		want hookAnswer
	}{
		{"the first notification opens an incident", firing, hookAnswer{Status: "accepted", Incident: "INC-1", Created: ptr(true)}},
		{"a repeat lands on it", firing, hookAnswer{Status: "accepted", Incident: "INC-1", Created: ptr(false)}},
		{"another group opens another", `{"key":"g2","title":"DiskFull"}`, hookAnswer{Status: "accepted", Incident: "INC-2", Created: ptr(true)}},
		{"a resolved group that matches nothing is ignored", `{"key":"g3","title":"Gone","resolved":true}`,
			hookAnswer{Status: "ignored", Reason: "every alert in the group is resolved and no open incident matches it"}},
	}
	for i, st := range steps {
		w := x.do(req{method: "POST", path: "/hooks/alertmanager", body: st.body, header: bearer})
		wantStatus(t, w, 200)
		if diff := cmp.Diff(st.want, decode[hookAnswer](t, w)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
		if n := x.kicks.Load(); n != int32(i+1) {
			t.Errorf("%s: the job runner was woken %d times in all, want %d", st.name, n, i+1)
		}
	}
	g, err := decodeTest([]byte(firing))
	if err != nil {
		t.Fatal(err)
	}
	calls := x.svc.takeCalls()
	if len(calls) != len(steps) {
		t.Fatalf("%d calls, want %d", len(calls), len(steps))
	}
	if diff := cmp.Diff(call{Method: "IngestAlerts", Key: "g1", Arg: g}, calls[0]); diff != "" {
		t.Errorf("what the service got (-want +got):\n%s", diff)
	}

	refused := []struct {
		name string
		body string
		fail error // what IngestAlerts answers
		code int
		kind incident.Kind
		says string
	}{
		{"not JSON", `alert!`, nil, 400, incident.KindInvalid, "test payload: malformed JSON"},
		{"an unknown field", `{"key":"g1","colour":1}`, nil, 400, incident.KindInvalid, `unknown field "colour"`},
		{"a group the service refuses", `{"key":"empty","title":"x"}`, nil, 400, incident.KindInvalid, "alert group holds no alerts"},
		{"over the body limit", `{"key":"g1","title":"` + strings.Repeat("x", 256) + `"}`, nil, 400, incident.KindInvalid, "larger than the limit of 256 bytes"},
		{"the store is busy: the sender retries", firing, incident.Errorf(incident.KindTransient, "database is busy; retry"), 503, incident.KindTransient, "database is busy"},
		{"the store is broken: the sender retries", firing, errStoreDown, 500, incident.KindInternal, "internal error"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			x.svc.failOn("IngestAlerts", tt.fail)
			defer x.svc.failOn("IngestAlerts", nil)
			kicks := x.kicks.Load()
			wantError(t, x.do(req{method: "POST", path: "/hooks/alertmanager", body: tt.body, header: bearer}), tt.code, tt.kind, tt.says)
			if x.kicks.Load() != kicks {
				t.Error("a refused notification woke the job runner")
			}
		})
	}
	m := x.scrape()
	for _, s := range []struct {
		sample string
		want   float64
	}{
		{`warroom_webhooks_total{outcome="accepted",source="alertmanager"}`, 4},
		{`warroom_webhooks_total{outcome="rejected",source="alertmanager"}`, float64(len(refused))},
	} {
		if m[s.sample] != s.want {
			t.Errorf("%s = %v, want %v", s.sample, m[s.sample], s.want)
		}
	}
}

// Wrong signatures count against the address like wrong tokens: after five
// a minute it gets 429 with Retry-After, even with the right signature.
func TestHookSignatureFailuresAreLimited(t *testing.T) {
	x := newHarness(t, Config{}, withHooks(signedHook))
	post := func(sig, addr string) *http.Response {
		w := x.do(req{method: "POST", path: "/hooks/grafana", body: firing, header: []string{"X-Signature", sig}, addr: addr})
		return w.Result()
	}
	for i := range failuresPerAddr {
		if code := post("sig:nope", "192.0.2.7:1").StatusCode; code != 401 {
			t.Fatalf("wrong signature %d: %d, want 401", i, code)
		}
		x.clock.Advance(time.Second)
	}
	w := x.do(req{method: "POST", path: "/hooks/grafana", body: firing, header: []string{"X-Signature", "sig:" + firing}, addr: "192.0.2.7:2"})
	wantError(t, w, 429, incident.KindTooMany, "too many wrong tokens from 192.0.2.7")
	if got := w.Result().Header.Get("Retry-After"); got != "56" { // the oldest failure is 5 s old: 55 s and a bit to go
		t.Errorf("Retry-After %q, want 56", got)
	}
	if code := post("sig:"+firing, "192.0.2.8:1").StatusCode; code != 200 {
		t.Errorf("another address with the right signature: %d, want 200", code)
	}
	x.clock.Advance(failureWindow)
	if code := post("sig:"+firing, "192.0.2.7:3").StatusCode; code != 200 {
		t.Errorf("a minute later the right signature: %d, want 200", code)
	}
	g, err := decodeTest([]byte(firing))
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, x.svc, call{Method: "IngestAlerts", Key: "g1", Arg: g}, call{Method: "IngestAlerts", Key: "g1", Arg: g})
}

// commandCallback stands for a chat backend's slash command: it checks
// its own token in the form body, as the integrations do.
func commandCallback(calls *atomic.Int32) Callback {
	return Callback{Path: "/chat/mattermost/command", Source: "mattermost",
		Handle: func(_ context.Context, _ *http.Request, body []byte) (any, error) {
			calls.Add(1)
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, incident.Errorf(incident.KindInvalid, "the command is not a form: %v", err)
			}
			if form.Get("token") != "cmd-secret" {
				return nil, incident.Errorf(incident.KindUnauthorized, "wrong command token: set chat.mattermost.command_token")
			}
			return map[string]string{"text": "ran " + form.Get("text")}, nil
		}}
}

func TestCallbackAuth(t *testing.T) {
	var handled atomic.Int32
	x := newHarness(t, Config{MaxBodyBytes: 128}, func(d *Deps) { d.Callbacks = []Callback{commandCallback(&handled)} })
	post := func(body, addr string) *http.Response {
		return x.do(req{method: "POST", path: "/chat/mattermost/command", body: body, addr: addr,
			header: []string{"Content-Type", "application/x-www-form-urlencoded"}}).Result()
	}
	w := x.do(req{method: "POST", path: "/chat/mattermost/command", body: "token=cmd-secret&text=ack",
		header: []string{"Content-Type", "application/x-www-form-urlencoded"}})
	wantStatus(t, w, 200)
	if diff := cmp.Diff(map[string]string{"text": "ran ack"}, decode[map[string]string](t, w)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if x.kicks.Load() != 1 {
		t.Errorf("the job runner was woken %d times, want once", x.kicks.Load())
	}

	wantError(t, x.do(req{method: "POST", path: "/chat/mattermost/command", body: "token=guess", addr: "198.51.100.1:9"}),
		401, incident.KindUnauthorized, "wrong command token")
	for range failuresPerAddr - 1 {
		post("token=guess", "198.51.100.1:9")
	}
	before := handled.Load()
	w = x.do(req{method: "POST", path: "/chat/mattermost/command", body: "token=cmd-secret&text=ack", addr: "198.51.100.1:10"})
	wantError(t, w, 429, incident.KindTooMany, "too many wrong tokens")
	if w.Result().Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if handled.Load() != before {
		t.Error("a blocked address's callback was handled")
	}
	if code := post("token=cmd-secret&text=ack", "198.51.100.2:9").StatusCode; code != 200 {
		t.Errorf("another address: %d, want 200", code)
	}
	wantError(t, x.do(req{method: "POST", path: "/chat/mattermost/command", body: "token=%zz"}), 400, incident.KindInvalid, "not a form")
	wantError(t, x.do(req{method: "POST", path: "/chat/mattermost/command", body: "token=cmd-secret&text=" + strings.Repeat("x", 128)}),
		400, incident.KindInvalid, "larger than the limit of 128 bytes")
	m := x.scrape()
	for sample, want := range map[string]float64{
		`warroom_webhooks_total{outcome="accepted",source="mattermost"}`: 2,
		`warroom_webhooks_total{outcome="rejected",source="mattermost"}`: float64(failuresPerAddr + 3),
	} {
		if m[sample] != want {
			t.Errorf("%s = %v, want %v", sample, m[sample], want)
		}
	}
}
