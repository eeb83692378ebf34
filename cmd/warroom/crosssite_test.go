package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// openConfig is the embedded default as the tour runs it: loopback, no
// api.token, no hook secrets.
func openConfig(t *testing.T) Config {
	cfg := testConfig(t)
	cfg.API.Token, cfg.Sources.Alertmanager.Token = "", ""
	return cfg
}

// With no api.token (the loopback default), a web page the operator opens
// must not be able to change anything: not by a form, not by text/plain, not
// by fetch from its own origin, not by a DNS name rebound to 127.0.0.1.
// Machines (no Origin) and warroom's own pages keep working.
func TestCrossSiteWritesRefused(t *testing.T) {
	h := startHarness(t, openConfig(t))
	if code, out := h.api("POST", "/incidents", map[string]any{"title": "Checkout is slow"}); code != 201 {
		t.Fatalf("declare: %d %v", code, out)
	}
	evil := map[string]string{"Origin": "http://evil.example"}
	tests := []struct {
		name     string
		method   string
		path     string
		body     any
		headers  map[string]string
		wantCode int
		want     string
	}{
		{"empty form closes nothing", "POST", "/api/v1/incidents/INC-1/close", url.Values{}, nil, 400, "application/json"},
		{"form from another site", "POST", "/api/v1/incidents/INC-1/close", url.Values{"actor": {"x"}}, evil, 403, "cross-site"},
		{"text/plain declares nothing", "POST", "/api/v1/incidents", []byte(`{"title":"planted"}`),
			map[string]string{"Content-Type": "text/plain"}, 400, "application/json"},
		{"no content type", "POST", "/api/v1/incidents/INC-1/ack", nil, nil, 400, "application/json"},
		{"JSON from another origin", "POST", "/api/v1/incidents", []byte(`{"title":"planted"}`), evil, 403, "cross-site"},
		{"JSON, Sec-Fetch-Site cross-site", "POST", "/api/v1/incidents", []byte(`{"title":"planted"}`),
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross-site"},
		{"JSON, Sec-Fetch-Site same-site", "POST", "/api/v1/incidents/INC-1/notes", []byte(`{"text":"planted"}`),
			map[string]string{"Sec-Fetch-Site": "same-site"}, 403, "cross-site"},
		{"hook from a page", "POST", "/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"), evil, 403, "cross-site"},
		{"rebound DNS name reads nothing", "GET", "/api/v1/incidents", nil, map[string]string{"Host": "evil.example"}, 403, "is not this warroom"},
		{"rebound DNS name, UI", "GET", "/incidents", nil, map[string]string{"Host": "evil.example:8080"}, 403, "is not this warroom"},
		{"rebound DNS name writes nothing", "POST", "/api/v1/incidents/INC-1/close", []byte(`{}`),
			map[string]string{"Host": "evil.example"}, 403, "is not this warroom"},
		// What must keep working.
		{"curl with JSON", "POST", "/api/v1/incidents/INC-1/notes", []byte(`{"text":"EU only"}`), nil, 200, "INC-1"},
		{"same origin", "POST", "/api/v1/incidents/INC-1/notes", []byte(`{"text":"same origin"}`),
			map[string]string{"Origin": h.URL, "Sec-Fetch-Site": "same-origin"}, 200, "INC-1"},
		{"localhost", "GET", "/api/v1/incidents", nil, map[string]string{"Host": "localhost:8080"}, 200, "INC-1"},
		{"public_url's host", "GET", "/api/v1/incidents", nil, map[string]string{"Host": "warroom.test"}, 200, "INC-1"},
		{"alertmanager without its secret is off, even while the API is open", "POST", "/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"), nil, 401, "sources.alertmanager.token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := h.do(tt.method, tt.path, tt.body, tt.headers)
			if code != tt.wantCode || !strings.Contains(string(body), tt.want) {
				t.Fatalf("%s %s: %d %s; want %d with %q", tt.method, tt.path, code, body, tt.wantCode, tt.want)
			}
		})
	}
	inc := h.incident("INC-1")
	if inc["status"] != "open" {
		t.Errorf("INC-1 is %v after the cross-site attempts, want open", inc["status"])
	}
	if list := h.incidents("?q=planted"); len(list) != 0 {
		t.Errorf("a cross-site request declared an incident: %+v", list)
	}
	if countKind(h.events("INC-1"), "note") != 2 {
		t.Errorf("want exactly the two notes from curl and the same origin: %v", h.events("INC-1"))
	}
}

// UI forms carry the session's CSRF token; a form without it, with another
// session's, or from another site changes nothing.
func TestUIFormsNeedCSRFToken(t *testing.T) {
	h := startHarness(t, testConfig(t))
	h.login("alice")
	other := &harness{t: t, URL: h.URL, cfg: h.cfg, client: noRedirectClient(newJar())}
	other.login("mallory")
	declare := func(title string, extra url.Values) url.Values {
		v := url.Values{"title": {title}, "severity": {"high"}}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}
	tests := []struct {
		name     string
		form     url.Values
		headers  map[string]string
		wantCode int
	}{
		{"no token", declare("no token", url.Values{"csrf": {""}}), nil, 403},
		{"another session's token", declare("other token", url.Values{"csrf": {other.csrf}}), nil, 403},
		{"made up", declare("made up", url.Values{"csrf": {"AAAA"}}), nil, 403},
		{"right token, from another site", declare("cross-site", nil), map[string]string{"Origin": "http://evil.example"}, 403},
		{"right token, own page", declare("from the page", nil), map[string]string{"Origin": h.URL, "Sec-Fetch-Site": "same-origin"}, 303},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := h.do("POST", "/incidents", tt.form, tt.headers); code != tt.wantCode {
				t.Fatalf("declare: %d %s, want %d", code, body, tt.wantCode)
			}
		})
	}
	list := h.incidents("")
	if n := len(list); n != 1 {
		t.Errorf("%d incidents declared, want only the one from the page: %+v", n, list)
	}
	// Sign-out is a form too: a cross-site one signs nobody out.
	if code, _ := h.do("POST", "/logout", url.Values{"csrf": {""}}, nil); code != http.StatusForbidden {
		t.Errorf("sign-out without the token: %d, want 403", code)
	}
	if code, _ := h.do("GET", "/incidents", nil, nil); code != 200 {
		t.Errorf("still signed in after the refused sign-out? GET /incidents: %d", code)
	}
}
