package main

import (
	"bytes"
	"context"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// startUnchecked runs the service without validating its config first, as
// a config that check-config would refuse: the endpoints must still fail
// closed on their own.
func startUnchecked(t *testing.T, cfg Config) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m, err := NewMain(ctx, cfg, testLogWriter{t})
	if err != nil {
		cancel()
		t.Fatalf("NewMain: %v", err)
	}
	jar, _ := cookiejar.New(nil)
	h := &harness{t: t, URL: "http://" + m.Addr(), cfg: cfg, cancel: cancel, done: make(chan error, 1)}
	h.client = noRedirectClient(jar)
	go func() { h.done <- m.Run(ctx); m.Close() }()
	t.Cleanup(h.stop)
	h.waitFor("readyz", func() bool { code, _ := h.do("GET", "/readyz", nil, nil); return code == 200 })
	return h
}

// Every inbound endpoint refuses requests when its secret is not set,
// whatever the request carries; with api.token set, a hook without a secret
// of its own is off.
func TestInboundEndpointsFailClosed(t *testing.T) {
	type request struct {
		path    string
		body    any
		headers map[string]string
	}
	mmForm := func(token string) []byte {
		return []byte(url.Values{"token": {token}, "channel_id": {"c1"}, "user_name": {"mallory"}, "text": {"close"}}.Encode())
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	tests := []struct {
		name     string
		setup    func(c *Config)
		requests []request
		want     string
	}{
		{name: "mattermost command without command_token", setup: func(c *Config) {
			c.Chat.Backend = "mattermost"
			c.Chat.Mattermost.URL, c.Chat.Mattermost.Token, c.Chat.Mattermost.Team = "http://127.0.0.1:1", "bot", "ops"
		}, requests: []request{
			{"/chat/mattermost/command", mmForm(""), form},
			{"/chat/mattermost/command", mmForm("guess"), form},
			{"/chat/mattermost/command", mmForm(""), map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Token "}},
		}, want: "command_token"},
		{name: "rocketchat webhook without webhook_token", setup: func(c *Config) {
			c.Chat.Backend = "rocketchat"
			c.Chat.RocketChat.URL, c.Chat.RocketChat.UserID, c.Chat.RocketChat.Token = "http://127.0.0.1:1", "bot", "bot-token"
		}, requests: []request{
			{"/chat/rocketchat/webhook", map[string]any{"token": "", "channel_id": "r1", "user_name": "mallory", "text": "!incident close"}, nil},
			{"/chat/rocketchat/webhook", map[string]any{"channel_id": "r1", "user_name": "mallory", "text": "!incident close"}, nil},
		}, want: "webhook_token"},
		{name: "jira webhook without secret or token", setup: func(c *Config) {
			c.Tickets.Backend = "jira"
			c.Tickets.Jira.URL, c.Tickets.Jira.Token, c.Tickets.Jira.Project = "http://127.0.0.1:1", "jira-token", "OPS"
		}, requests: []request{
			{"/hooks/jira", map[string]any{"webhookEvent": "jira:issue_created"}, nil},
			{"/hooks/jira?token=", map[string]any{"webhookEvent": "jira:issue_created"}, nil},
		}, want: "webhook_secret"},
		{name: "alertmanager without its token", setup: func(c *Config) { c.Sources.Alertmanager.Token = "" },
			requests: []request{{"/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"), nil},
				{"/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"), map[string]string{"Authorization": "Bearer "}}},
			want: "sources.alertmanager.token"},
		{name: "grafana without secret or token", setup: func(c *Config) {},
			requests: []request{{"/hooks/grafana", []byte(`{"alerts":[]}`), nil}}, want: "sources.grafana.secret"},
		{name: "generic without token", setup: func(c *Config) {
			c.Sources.Generic.Title, c.Sources.Generic.DedupKey = "{{.check}}", "{{.check}}"
		}, requests: []request{{"/hooks/generic", map[string]any{"check": "disk"}, nil}}, want: "sources.generic.token"},
		{name: "icinga2 hook without token", setup: func(c *Config) {
			c.Sources.Icinga2.URL, c.Sources.Icinga2.User = "https://127.0.0.1:1", "warroom"
		}, requests: []request{{"/hooks/icinga2", map[string]any{"host": "db1", "state": "DOWN", "state_type": "HARD"}, nil},
			{"/hooks/icinga2", map[string]any{"host": "db1"}, map[string]string{"Authorization": "Bearer "}}},
			want: "sources.icinga2.token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			tt.setup(&cfg)
			h := startUnchecked(t, cfg)
			for _, rq := range tt.requests {
				code, body := h.do("POST", rq.path, rq.body, rq.headers)
				if code != 401 || !strings.Contains(string(body), tt.want) {
					t.Errorf("POST %s: %d %s, want 401 naming %s", rq.path, code, body, tt.want)
				}
			}
			if list := h.incidents(""); len(list) != 0 {
				t.Errorf("a refused request made an incident: %+v", list)
			}
		})
	}
}

// The old sample config's secrets, as they shipped: a config that still
// holds one must be refused.
var oldSampleSecrets = map[string]string{
	"api.token":                     "change-me-api-token",
	"chat.mattermost.token":         "change-me-mattermost-bot-token",
	"chat.mattermost.command_token": "change-me-mattermost-command-token",
	"chat.rocketchat.token":         "change-me-rocketchat-token",
	"chat.rocketchat.webhook_token": "change-me-rocketchat-webhook-token",
	"tickets.jira.token":            "change-me-jira-token",
	"tickets.jira.webhook_secret":   "change-me-jira-webhook-secret",
	"sources.alertmanager.token":    "change-me-alertmanager-token",
	"sources.grafana.secret":        "change-me-grafana-hmac-secret",
	"sources.icinga2.password":      "change-me-icinga-password",
	"sources.icinga2.token":         "change-me-icinga-hook-token",
	"sources.generic.token":         "change-me-generic-token",
}

// check-config and serve refuse what would leave warroom open: a chat
// backend without its inbound token, a sample secret, a listener beyond
// loopback without api.token (unless said explicitly).
func TestConfigFailsClosed(t *testing.T) {
	mm := []string{"WARROOM_CHAT_BACKEND=mattermost", "WARROOM_CHAT_MATTERMOST_URL=https://chat.example.com",
		"WARROOM_CHAT_MATTERMOST_TOKEN=bot-token-1234", "WARROOM_CHAT_MATTERMOST_TEAM=ops"}
	rc := []string{"WARROOM_CHAT_BACKEND=rocketchat", "WARROOM_CHAT_ROCKETCHAT_URL=https://rc.example.com",
		"WARROOM_CHAT_ROCKETCHAT_USER_ID=bot", "WARROOM_CHAT_ROCKETCHAT_TOKEN=bot-token-1234"}
	type tc struct {
		name     string
		env      []string
		wantCode int
		wantErr  []string
	}
	tests := []tc{
		{"mattermost without command_token", mm, 1, []string{"chat.mattermost.command_token: empty", "Slash Commands"}},
		{"mattermost with command_token", append(mm, "WARROOM_CHAT_MATTERMOST_COMMAND_TOKEN=cmd-token-1234"), 0, nil},
		{"rocketchat without webhook_token", rc, 1, []string{"chat.rocketchat.webhook_token: empty", "Outgoing"}},
		{"rocketchat with webhook_token", append(rc, "WARROOM_CHAT_ROCKETCHAT_WEBHOOK_TOKEN=wh-token-1234"), 0, nil},
		{"0.0.0.0 without api.token", []string{"WARROOM_LISTEN=0.0.0.0:0"}, 1, []string{"api.token: empty while listen \"0.0.0.0:0\"", "warroom secret", "allow_unauthenticated"}},
		{"all interfaces without api.token", []string{"WARROOM_LISTEN=:0"}, 1, []string{"api.token: empty"}},
		{"a LAN address without api.token", []string{"WARROOM_LISTEN=192.0.2.10:0"}, 1, []string{"api.token: empty"}},
		{"a host name without api.token", []string{"WARROOM_LISTEN=warroom.example.com:0"}, 1, []string{"api.token: empty"}},
		{"0.0.0.0 with api.token", []string{"WARROOM_LISTEN=0.0.0.0:0", "WARROOM_API_TOKEN=a-real-token-1234"}, 0, nil},
		{"0.0.0.0 unauthenticated, said explicitly", []string{"WARROOM_LISTEN=0.0.0.0:0", "WARROOM_API_ALLOW_UNAUTHENTICATED=true"}, 0, nil},
		{"localhost without api.token", []string{"WARROOM_LISTEN=localhost:0"}, 0, nil},
		{"::1 without api.token", []string{"WARROOM_LISTEN=[::1]:0"}, 0, nil},
		{"a bare change-me value", []string{"WARROOM_API_TOKEN=change-me"}, 1, []string{"api.token: \"change-me\" is a sample value"}},
	}
	for key, v := range oldSampleSecrets {
		tests = append(tests, tc{"sample " + key, []string{envName(key) + "=" + v}, 1,
			[]string{key + ": \"" + v + "\" is a sample value", "warroom secret", envName(key)}})
	}
	for _, tt := range tests {
		for _, cmd := range []string{"check-config", "serve"} {
			if tt.wantCode == 0 && cmd == "serve" {
				continue // serve would run; check-config says it would start
			}
			t.Run(cmd+"/"+tt.name, func(t *testing.T) {
				env := append([]string{"WARROOM_STORE_DSN=" + t.TempDir() + "/w.db", "WARROOM_LISTEN=127.0.0.1:0"}, tt.env...)
				var out, errOut bytes.Buffer
				code := run(t.Context(), []string{cmd}, env, &out, &errOut)
				if code != tt.wantCode {
					t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out.String(), errOut.String())
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(errOut.String(), w) {
						t.Errorf("stderr does not say %q:\n%s", w, errOut.String())
					}
				}
			})
		}
	}
}

func TestSecretCommand(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), []string{"secret"}, nil, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		s := strings.TrimSpace(out.String())
		if len(s) != 43 || strings.ContainsAny(s, "+/= ") || seen[s] {
			t.Errorf("secret %q: want 43 URL-safe characters, new each time", s)
		}
		seen[s] = true
		if isSampleSecret(s) {
			t.Errorf("a made secret %q counts as a sample value", s)
		}
	}
}

// Run as its header says, the sample config serves this machine only: the
// old sample token opens nothing, a non-JSON write and a foreign Host are
// refused, and the tour's JSON calls work.
func TestServeSampleConfig(t *testing.T) {
	cfg, _, err := loadConfig("../../warroom.example.yaml",
		[]string{"WARROOM_LISTEN=127.0.0.1:0", "WARROOM_STORE_DSN=" + t.TempDir() + "/w.db", "WARROOM_PUBLIC_URL="})
	if err != nil {
		t.Fatal(err)
	}
	h := startHarness(t, cfg)
	oldToken := map[string]string{"Authorization": "Bearer change-me-api-token", "Content-Type": "text/plain"}
	tests := []struct {
		name     string
		method   string
		path     string
		body     any
		headers  map[string]string
		wantCode int
	}{
		{"old sample token with a text body", "POST", "/api/v1/incidents", []byte(`{"title":"x"}`), oldToken, 400},
		{"foreign Host", "GET", "/api/v1/incidents", nil, map[string]string{"Host": "warroom.evil.example"}, 403},
		{"the tour's declare", "POST", "/api/v1/incidents", map[string]any{"title": "Checkout is slow"}, nil, 201},
		{"an alert hook without its secret is off", "POST", "/hooks/alertmanager", readTestdata(t, "alertmanager-0.31.1-firing.json"), nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := h.do(tt.method, tt.path, tt.body, tt.headers); code != tt.wantCode {
				t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, code, body, tt.wantCode)
			}
		})
	}
}
