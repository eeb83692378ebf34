package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "warroom.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		file    string // "" means no file
		env     []string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "no config is the embedded default", check: func(t *testing.T, c Config) {
			if c.Store.Driver != "sqlite" || c.Chat.Backend != "builtin" || c.Tickets.Backend != "builtin" || c.Listen != "127.0.0.1:8080" {
				t.Errorf("default = %+v", c)
			}
			if c.PublicURL != "http://127.0.0.1:8080" {
				t.Errorf("public_url = %q, want the one derived from listen", c.PublicURL)
			}
		}},
		{name: "file overrides defaults", file: "listen: 0.0.0.0:9000\napi:\n  token: s3cret-xyz\n", check: func(t *testing.T, c Config) {
			if c.Listen != "0.0.0.0:9000" || c.API.Token != "s3cret-xyz" || c.Store.DSN != "warroom.db" {
				t.Errorf("got %+v", c)
			}
		}},
		{name: "env overrides file", file: "api:\n  token: from-file\n",
			env: []string{"WARROOM_API_TOKEN=from-env", "WARROOM_SOURCES_ALERTMANAGER_TOKEN=am", "WARROOM_JOBS_PAUSED=channel.delete, chat.post",
				"WARROOM_JOBS_MAX_DELAY=2m", "WARROOM_JOBS_WORKERS=4", "WARROOM_PUBLIC_URL=https://warroom.example.com/"},
			check: func(t *testing.T, c Config) {
				if c.API.Token != "from-env" || c.Sources.Alertmanager.Token != "am" || c.Jobs.Workers != 4 ||
					time.Duration(c.Jobs.MaxDelay) != 2*time.Minute || strings.Join(c.Jobs.Paused, "|") != "channel.delete|chat.post" ||
					c.PublicURL != "https://warroom.example.com" {
					t.Errorf("got %+v", c)
				}
			}},
		{name: "unknown key names it", file: "chat:\n  backend: builtin\n  bakend: x\n", wantErr: "line 3: chat.bakend: unknown key; did you mean backend?"},
		{name: "bad duration", file: "jobs:\n  base_delay: soon\n", wantErr: `line 2: jobs.base_delay: "soon" is not a duration`},
		{name: "bad backend", file: "chat:\n  backend: irc\n", wantErr: `chat.backend: "irc"`},
		{name: "rocketchat needs its keys", env: []string{"WARROOM_CHAT_BACKEND=rocketchat"}, wantErr: "chat.rocketchat.user_id: empty"},
		{name: "jira needs its keys", env: []string{"WARROOM_TICKETS_BACKEND=jira"}, wantErr: "tickets.jira.project: empty"},
		{name: "jira create_for", env: []string{"WARROOM_TICKETS_BACKEND=jira", "WARROOM_TICKETS_JIRA_CREATE_FOR=sometimes"}, wantErr: `WARROOM_TICKETS_JIRA_CREATE_FOR: tickets.jira.create_for: "sometimes"`},
		{name: "bad env number", env: []string{"WARROOM_JOBS_WORKERS=many"}, wantErr: "WARROOM_JOBS_WORKERS"},
		{name: "bad listen", file: "listen: 8080\n", wantErr: "listen: \"8080\" is not host:port"},
		{name: "paused kind must exist", file: "jobs:\n  paused: [channel.nuke]\n", wantErr: `unknown job kind "channel.nuke"`},
		{name: "jobs limits name a backend", file: "jobs:\n  limits: {jira: 2}\n", wantErr: `line 2: jobs.limits.jira: unknown backend; backends are actions, chat,`},
		{name: "jobs limits are positive", file: "jobs:\n  limits: {chat: 0}\n", wantErr: "line 2: jobs.limits.chat: 0"},
		{name: "jobs max_age too short", file: "jobs:\n  max_age: 1s\n", wantErr: "jobs.max_age: 1s"},
		{name: "jobs limits merge over the defaults", file: "jobs:\n  limits: {chat: 2}\n  max_age: 2h\n", check: func(t *testing.T, c Config) {
			if c.Jobs.Limits["chat"] != 2 || c.Jobs.Limits["tickets"] != 4 || time.Duration(c.Jobs.MaxAge) != 2*time.Hour {
				t.Errorf("jobs = %+v", c.Jobs)
			}
		}},
		{name: "every problem at once", file: "log:\n  level: loud\n  format: xml\n", wantErr: "log.format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeConfig(t, tt.file)
			}
			c, _, err := loadConfig(path, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// jobs.paused accepts every kind that exists (channel.sync was refused when
// the list was written by hand) and exactly the kinds the wired runner has
// handlers for.
func TestPausedAcceptsEveryRegisteredKind(t *testing.T) {
	for _, k := range incident.JobKinds() {
		t.Run(string(k), func(t *testing.T) {
			c, _, err := loadConfig("", []string{"WARROOM_JOBS_PAUSED=" + string(k)})
			if err != nil {
				t.Fatalf("jobs.paused: [%s] refused: %v", k, err)
			}
			if len(c.Jobs.Paused) != 1 || c.Jobs.Paused[0] != string(k) {
				t.Errorf("paused = %v", c.Jobs.Paused)
			}
		})
	}
	cfg, _, err := loadConfig("", []string{"WARROOM_STORE_DSN=" + filepath.Join(t.TempDir(), "w.db"), "WARROOM_LISTEN=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMain(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { m.ln.Close(); m.Close() }()
	got, want := fmt.Sprint(m.runner.Kinds()), fmt.Sprint(incident.JobKinds())
	if got != want {
		t.Errorf("the wired runner handles %s, but the registry lists %s", got, want)
	}
}

func TestUnknownEnvIsReported(t *testing.T) {
	_, unknown, err := loadConfig("", []string{"WARROOM_API_TOKN=x", "WARROOM_CACHE=/tmp/c", "HOME=/root"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(unknown, ",") != "WARROOM_API_TOKN" {
		t.Errorf("unknown = %v, want [WARROOM_API_TOKN]", unknown)
	}
}

// The sample config must hold every key and be valid as shipped, and it
// must carry no usable secret: run as it is, it listens on loopback only.
func TestSampleConfig(t *testing.T) {
	c, _, err := loadConfig(filepath.Join("..", "..", "warroom.example.yaml"), nil)
	if err != nil {
		t.Fatalf("warroom.example.yaml: %v", err)
	}
	for _, s := range c.secrets() {
		if s.value != "" {
			t.Errorf("warroom.example.yaml sets %s to %q: the sample must carry no secret", s.key, s.value)
		}
	}
	if !isLoopback(c.Listen) || c.API.AllowUnauthenticated {
		t.Errorf("the sample listens on %q (allow_unauthenticated %v): without a token it must stay on loopback", c.Listen, c.API.AllowUnauthenticated)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "warroom.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range yamlKeys(reflect.TypeFor[Config]()) {
		if !bytes.Contains(raw, []byte(" "+key+":")) && !bytes.Contains(raw, []byte("\n"+key+":")) {
			t.Errorf("warroom.example.yaml does not mention %s", key)
		}
	}
}

// yamlKeys lists the yaml names of every field, nested ones included.
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, inline := yamlName(f)
		if inline {
			out = append(out, yamlKeys(f.Type)...)
			continue
		}
		if name == "" {
			continue
		}
		out = append(out, name)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
			out = append(out, yamlKeys(f.Type)...)
		}
	}
	return out
}

func TestCLI(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"version", []string{"version"}, nil, 0, "warroom dev", ""},
		{"no command", nil, nil, 2, "", "Usage:"},
		{"unknown command", []string{"launch"}, nil, 2, "", `unknown command "launch"`},
		{"check default", []string{"check-config"}, nil, 0, "config OK", ""},
		{"check sample", []string{"check-config", "-config", "../../warroom.example.yaml"}, nil, 0, "api.token: (not set)", ""},
		{"check missing file", []string{"check-config", "-config", "/nonexistent.yaml"}, nil, 1, "", "no such file"},
		{"check bad file", []string{"check-config", "-config", writeConfig(t, "chat: {backend: builtin, colour: red}\n")}, nil, 1, "",
			"line 1: chat.colour: unknown key; the keys under chat are backend, mattermost, rocketchat"},
		{"env typo warned", []string{"check-config"}, []string{"WARROOM_LISTN=1"}, 0, "config OK", "WARROOM_LISTN names no config key; did you mean WARROOM_LISTEN?; ignored"},
		{"stray argument", []string{"serve", "now"}, nil, 2, "", `unexpected argument "now"`},
		{"serve unusable store", []string{"serve"}, []string{"WARROOM_STORE_DSN=/proc/warroom/x.db"}, 1, "", "store.dsn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(t.Context(), tt.args, tt.env, &out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out.String(), errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stdout %q (want %q), stderr %q (want %q)", out.String(), tt.wantOut, errOut.String(), tt.wantErr)
			}
		})
	}
}
