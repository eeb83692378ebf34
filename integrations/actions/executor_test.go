package actions

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

func newExec(t *testing.T, env map[string]string, list ...Config) *Executor {
	t.Helper()
	for _, c := range list {
		if err := c.Validate(time.Hour); err != nil {
			t.Fatalf("validate %s: %v", c.Name, err)
		}
	}
	e, err := New(list, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, http.DefaultClient, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// argvScript writes a script that prints each argument on its own line,
// between brackets.
func argvScript(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "argv.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\necho \"token=$TOKEN\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

var anyValue = Param{Name: "v", Pattern: `(?s).*`}

func TestCommandArgumentsAreLiteral(t *testing.T) {
	script := argvScript(t)
	e := newExec(t, map[string]string{"TOK": "s3cr3t"}, Config{Name: "argv", Description: "prints argv", Users: []string{"alice"},
		Params: []Param{anyValue}, Secrets: []string{"TOK"},
		Command: &Command{Path: script, Args: []string{"{{.Params.v}}", "{{.Incident.Key}}"}, Env: map[string]string{"TOKEN": `{{secret "TOK"}}`}}})
	evil := `a b; rm -rf / $(id) "q" 'x' | cat > /tmp/x`
	res, err := e.Execute(context.Background(), "argv", incident.ActionInput{Params: map[string]string{"v": evil}, Incident: &incident.Incident{Key: "INC-3"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "[" + evil + "]\n[INC-3]\ntoken=xxxxx\n"
	if string(res.Output) != want || !res.OK || res.Status != "exit status 0" {
		t.Errorf("output %q status %q ok %v; want %q, exit status 0", res.Output, res.Status, res.OK, want)
	}
	if strings.Contains(res.Ran, "s3cr3t") || !strings.Contains(res.Ran, script) {
		t.Errorf("ran %q", res.Ran)
	}
}

func TestCommandTimeoutKillsTheGroup(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "slow.sh")
	// The child sleeps too: the whole group must go.
	os.WriteFile(script, []byte("#!/bin/sh\necho started\nsleep 30 &\nwait\n"), 0o755)
	e := newExec(t, nil, Config{Name: "slow", Description: "sleeps", Users: []string{"alice"}, Command: &Command{Path: script}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := e.Execute(ctx, "slow", incident.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.TimedOut || res.OK || !strings.Contains(string(res.Output), "started") {
		t.Errorf("result %+v, want timed out with its output", res)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s: the sleeping child kept it waiting", took)
	}
}

func TestCommandExitStatusAndBoundedOutput(t *testing.T) {
	script := filepath.Join(t.TempDir(), "big.sh")
	os.WriteFile(script, []byte("#!/bin/sh\nhead -c 1100000 /dev/zero | tr '\\0' x\nexit 3\n"), 0o755)
	e := newExec(t, nil, Config{Name: "big", Description: "prints much", Users: []string{"alice"}, Command: &Command{Path: script}})
	res, err := e.Execute(context.Background(), "big", incident.ActionInput{})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK || res.Status != "exit status 3" || !res.Truncated || len(res.Output) > MaxOutput+100 || !strings.Contains(string(res.Output), "more bytes of output were dropped") {
		t.Errorf("status %q ok %v truncated %v len %d", res.Status, res.OK, res.Truncated, len(res.Output))
	}
}

func TestHTTPCall(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		if r.URL.Path == "/fail" {
			w.WriteHeader(503)
		}
		io.WriteString(w, "deployed "+r.URL.Query().Get("v")+" with "+r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	e := newExec(t, map[string]string{"DEPLOY_TOKEN": "tok-123"},
		Config{Name: "deploy", Description: "deploys", Users: []string{"alice"}, Params: []Param{{Name: "version", Pattern: `v[0-9]+`}},
			Secrets: []string{"DEPLOY_TOKEN"}, HTTP: &HTTP{URL: srv.URL + "/deploy?v={{.Params.version}}",
				Headers: map[string]string{"Authorization": `Bearer {{secret "DEPLOY_TOKEN"}}`},
				Body:    `{"version": "{{.Params.version}}", "incident": "{{.Incident.Key}}"}`}},
		Config{Name: "fail", Description: "fails", Users: []string{"alice"}, HTTP: &HTTP{Method: "GET", URL: srv.URL + "/fail"}})
	res, err := e.Execute(context.Background(), "deploy", incident.ActionInput{Params: map[string]string{"version": "v42"}, Incident: &incident.Incident{Key: "INC-9"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.Header.Get("Authorization") != "Bearer tok-123" || body != `{"version": "v42", "incident": "INC-9"}` {
		t.Errorf("request %s %v body %q", got.Method, got.Header, body)
	}
	if !res.OK || res.Status != "HTTP 200 OK" || string(res.Output) != "deployed v42 with Bearer xxxxx" || strings.Contains(res.Ran, "v42") {
		t.Errorf("result %+v", res)
	}
	res, err = e.Execute(context.Background(), "fail", incident.ActionInput{})
	if err != nil || res.OK || !strings.Contains(res.Status, "HTTP 503") || !strings.Contains(res.Status, "transient") {
		t.Errorf("a 503: %+v %v", res, err)
	}
}

func TestValidate(t *testing.T) {
	ok := func() Config {
		return Config{Name: "a", Description: "does a", Users: []string{"alice"}, Command: &Command{Path: "/bin/echo"}}
	}
	tests := []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"fine", func(c *Config) {}, ""},
		{"bad name", func(c *Config) { c.Name = "Do It" }, "name:"},
		{"no description", func(c *Config) { c.Description = "" }, "description:"},
		{"nobody may", func(c *Config) { c.Users = nil }, "users: nobody may run it"},
		{"too long", func(c *Config) { c.Timeout = 2 * time.Hour }, "timeout:"},
		{"a param that takes anything", func(c *Config) { c.Params = []Param{{Name: "x"}} }, "params[0].pattern: empty"},
		{"a bad pattern", func(c *Config) { c.Params = []Param{{Name: "x", Pattern: "("}} }, "params[0].pattern:"},
		{"allowed outside the pattern", func(c *Config) { c.Params = []Param{{Name: "x", Pattern: "[a-z]+", Allowed: []string{"A"}}} }, "params[0].allowed"},
		{"an undeclared param", func(c *Config) { c.Command.Args = []string{"{{.Params.host}}"} }, "command.args[0]: names .Params.host"},
		{"a secret in an argument", func(c *Config) { c.Command.Args = []string{`{{secret "X"}}`} }, "secrets may not be arguments"},
		{"a broken template", func(c *Config) { c.Command.Args = []string{"{{.Params"} }, "command.args[0]:"},
		{"no program", func(c *Config) { c.Command.Path = "/no/such/program" }, "command.path:"},
		{"both", func(c *Config) { c.HTTP = &HTTP{URL: "http://x"} }, "not both"},
		{"neither", func(c *Config) { c.Command = nil }, "does nothing"},
		{"a bad url", func(c *Config) { c.Command, c.HTTP = nil, &HTTP{URL: "ftp://x"} }, "http.url:"},
		{"a bad method", func(c *Config) { c.Command, c.HTTP = nil, &HTTP{URL: "http://x", Method: "BREW"} }, "http.method:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(&c)
			err := c.Validate(time.Hour)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v, want %q", err, tt.want)
			}
		})
	}
}
