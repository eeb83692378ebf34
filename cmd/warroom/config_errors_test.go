package main

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/templates"
)

// problemLines are the problem lines of a config error, without the
// header that names the file.
func problemLines(err error) []string {
	if err == nil {
		return nil
	}
	_, body, _ := strings.Cut(err.Error(), ":\n")
	var out []string
	for _, l := range strings.Split(body, "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// mattermostFile is a valid chat.mattermost section (lines 1-8) that the
// cases below extend.
const mattermostFile = `chat:
  backend: mattermost
  mattermost:
    url: https://chat.example.com
    token: bot-token-x1
    team: ops
    command_token: command-token-x1
`

// Each config problem says, in the user's words, which key is wrong, where
// it is (file line or environment variable), and what to write instead;
// every problem of a file is reported at once. Checked through the loader
// and through `warroom check-config` (message and exit code 1).
func TestConfigErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  []string
		want []string // every problem line, in order
	}{
		{name: "mistyped key names the path and the nearest key",
			file: mattermostFile[:strings.Index(mattermostFile, "    team")] + "    tokn: abc\n    team: ops\n    command_token: command-token-x1\n",
			want: []string{"line 6: chat.mattermost.tokn: unknown key; did you mean token?"}},
		{name: "mistyped key without a near one lists the keys",
			file: "chat:\n  colour: red\n",
			want: []string{"line 2: chat.colour: unknown key; the keys under chat are backend, mattermost, rocketchat"}},
		{name: "mistyped top-level key",
			file: "listn: 127.0.0.1:9000\n",
			want: []string{"line 1: listn: unknown key; did you mean listen?"}},
		{name: "text where a list belongs names the expected form",
			file: "routing:\n  - match: {team: payments}\n    invite: alice\n",
			want: []string{`line 3: routing[0].invite: got "alice"; write a list such as [alice, bob]`}},
		{name: "list where a text belongs",
			file: "listen: [127.0.0.1, 8080]\n",
			want: []string{"line 1: listen: got a list; write a text (quote it if it holds a colon or starts with a special character)"}},
		{name: "text where keys belong",
			file: "jobs: fast\n",
			want: []string{`line 1: jobs: got "fast"; write keys indented under it (see warroom.example.yaml)`}},
		{name: "bad number", file: "jobs:\n  workers: many\n",
			want: []string{`line 2: jobs.workers: "many" is not a whole number`}},
		{name: "burst keys out of range", file: "jobs:\n  workers: 4\n  burst_workers: 5\n  burst_hold: 10m\n",
			want: []string{"line 3: jobs.burst_workers: 5; use 1 to jobs.workers (4, which lets every worker run during an alert burst)",
				"line 4: jobs.burst_hold: 10m0s; use 1s to 5m (the default 10s: how long an alert burst may hold back channels and pages)"}},
		{name: "bad bool", file: "api:\n  allow_unauthenticated: sometimes\n",
			want: []string{`line 2: api.allow_unauthenticated: "sometimes" is not true or false`}},
		{name: "bad duration names its key", file: "jobs:\n  base_delay: soon\n",
			want: []string{`line 2: jobs.base_delay: "soon" is not a duration such as 30s, 5m or 1h`}},
		{name: "bad duration of an integration names its key", file: "chat:\n  rocketchat:\n    pin_poll: often\n",
			want: []string{`line 3: chat.rocketchat.pin_poll: "often" is not a duration such as 30s, 5m or 1h`}},
		{name: "bad duration from the environment names variable and key", env: []string{"WARROOM_JOBS_MAX_AGE=forever"},
			want: []string{`WARROOM_JOBS_MAX_AGE: jobs.max_age: "forever" is not a duration such as 30s, 5m or 1h`}},
		{name: "bad number from the environment", env: []string{"WARROOM_JOBS_WORKERS=many"},
			want: []string{`WARROOM_JOBS_WORKERS: jobs.workers: "many" is not a whole number`}},
		{name: "value problem from the environment names the variable", env: []string{"WARROOM_CHAT_BACKEND=irc"},
			want: []string{`WARROOM_CHAT_BACKEND: chat.backend: "irc"; use builtin, mattermost or rocketchat`}},
		{name: "key given twice", file: "listen: 127.0.0.1:8080\nlisten: 127.0.0.1:9090\n",
			want: []string{"line 2: listen: given twice (first on line 1); keep one"}},
		{name: "on-call validation names the key path",
			file: "paging:\n  schedules:\n    primary:\n      layers:\n        - name: weekly\n" +
				"          rotation: {members: [alice], every: 1, unit: fortnights, handoff_time: \"09:00\", start: \"2026-11-02\", time_zone: UTC}\n",
			want: []string{`line 6: paging.schedules.primary.layers[0].rotation.unit: "fortnights" is unknown; use hours, days or weeks`}},
		{name: "every problem of every schedule",
			file: "paging:\n  schedules:\n    a:\n      layers: []\n    b:\n      layers:\n        - rotation: {members: [alice], every: 0, unit: weeks, handoff_time: \"9am\", start: \"2026-11-02\", time_zone: UTC}\n",
			want: []string{
				"line 4: paging.schedules.a.layers: empty; add at least one layer with a rotation",
				"line 7: paging.schedules.b.layers[0].name: empty; name the layer, it is reported as the shift's layer",
				"line 7: paging.schedules.b.layers[0].rotation.every: 0; use a positive number of units, e.g. every: 1 with unit: weeks",
				`line 7: paging.schedules.b.layers[0].rotation.handoff_time: "9am" is not a time; write it as HH:MM in 24-hour local time, e.g. "09:00"`,
			}},
		{name: "an integration's problems name their keys, at the section's line",
			file: "chat:\n  backend: rocketchat\n  rocketchat:\n    url: ftp://chat\n    trigger: two words\n",
			want: []string{
				`line 3: chat.rocketchat.user_id: empty; give the bot user's id`,
				`line 3: chat.rocketchat.token: empty; give a personal access token of the bot user`,
				`line 3: chat.rocketchat.webhook_token: empty; without it anyone who reaches warroom could run !incident as anyone. ` +
					`Give the token of the outgoing webhook integration (Administration > Integrations > Outgoing)`,
				`line 4: chat.rocketchat.url: "ftp://chat" is not the server's http(s) URL`,
				`line 5: chat.rocketchat.trigger: "two words"; one word, such as !incident`,
			}},
		{name: "all problems of a file at once, by line",
			file: "log:\n  level: loud\n  format: xml\nchat:\n  bakend: x\njobs:\n  paused: [channel.nuke]\n  base_delay: soon\n",
			want: []string{
				`line 2: log.level: "loud"; use debug, info, warn or error`,
				`line 3: log.format: "xml"; use text or json`,
				"line 5: chat.bakend: unknown key; did you mean backend?",
				`line 7: jobs.paused[0]: unknown job kind "channel.nuke"; kinds are ` + strings.Join(jobKindNames(), ", "),
				`line 8: jobs.base_delay: "soon" is not a duration such as 30s, 5m or 1h`,
			}},
		{name: "generic hook templates are checked before serve",
			file: "sources:\n  generic:\n    token: generic-token-1\n    title: '{{.check'\n    labels: {host: '{{.host}'}\n",
			want: []string{
				"line 2: sources.generic.dedup_key: empty; give a template that is the same for the same incident, e.g. '{{.host}}/{{.check}}'",
				"line 4: sources.generic.title: does not parse: template: title:1: unclosed action",
				`line 5: sources.generic.labels.host: does not parse: template: labels.host:1: bad character U+007D '}'`,
			}},
		{name: "grafana header", file: "sources:\n  grafana:\n    secret: grafana-hmac-1\n    header: 'X Sig'\n",
			want: []string{`line 4: sources.grafana.header: "X Sig" is not a header name, e.g. X-Grafana-Alerting-Signature`}},
		{name: "prometheus keys", file: "prometheus:\n  url: prometheus:9090\n  time_zone: Mars/Olympus\n",
			want: []string{
				`line 2: prometheus.url: "prometheus:9090" is not an http(s) URL, e.g. http://prometheus:9090`,
				`line 3: prometheus.time_zone: "Mars/Olympus" is not a known IANA time zone; use a name such as Europe/Berlin or UTC`,
			}},
		{name: "a wrong value is reported once, not again by validation",
			file: "paging:\n  schedules:\n    primary:\n      layers:\n        - name: weekly\n" +
				"          rotation: {members: [alice], every: 1, unit: weeks, handoff_time: \"09:00\", start: \"2026-11-02\", time_zone: UTC}\n" +
				"      overrides:\n        - {user: erin, start: tomorrow, end: 2026-12-27T09:00:00+01:00}\n" +
				"  policies:\n    default:\n      steps:\n        - {notify: [\"schedule:primary\"], wait: 5}\n",
			want: []string{
				`line 8: paging.schedules.primary.overrides[0].start: "tomorrow" is not a time such as 2026-12-24T18:00:00+01:00`,
				`line 12: paging.policies.default.steps[0].wait: "5" is not a duration such as 30s, 5m or 1h`,
			}},
		{name: "pagerduty keys are checked before the first page", file: "paging:\n  pagerduty:\n    routing_key: R0123456789\n",
			want: []string{"line 3: paging.pagerduty.routing_key: pagerduty routing key is 11 characters long: " +
				"it must be the 32-character integration key of an Events API v2 integration, not a REST API key"}},
		{name: "the page webhook's url is checked before the first page", file: "paging:\n  webhook:\n    url: pager.example.com/hook\n    token: t0k\n",
			want: []string{`line 3: paging.webhook.url: "pager.example.com/hook"; write an absolute http or https URL such as https://pager.example.com/hook`}},
		{name: "not YAML", file: "listen: [\n",
			want: []string{"line 1: did not find expected node content; the file is not valid YAML"}},
		{name: "not a mapping", file: "- listen\n",
			want: []string{"line 1: got a list; write keys indented under it (see warroom.example.yaml)"}},
		{name: "unknown ticket comment kind", env: []string{"WARROOM_TICKETS_BACKEND=jira", "WARROOM_TICKETS_JIRA_URL=https://jira.example.com",
			"WARROOM_TICKETS_JIRA_TOKEN=jira-tok-1", "WARROOM_TICKETS_JIRA_PROJECT=OPS", "WARROOM_TICKETS_JIRA_COMMENTS=acked,closd"},
			want: []string{`WARROOM_TICKETS_JIRA_COMMENTS: tickets.jira.comments[1]: "closd"; use any of ` + strings.Join(incident.TicketCommentKinds(), ", ")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeConfig(t, tt.file)
			}
			_, _, err := loadConfig(path, tt.env)
			if got := problemLines(err); !slices.Equal(got, tt.want) {
				t.Errorf("loadConfig problems:\n got %q\nwant %q", got, tt.want)
			}
			args := []string{"check-config"}
			if path != "" {
				args = append(args, "-config", path)
			}
			var out, errOut bytes.Buffer
			if code := run(t.Context(), args, tt.env, &out, &errOut); code != 1 {
				t.Errorf("check-config exit %d, want 1\nstdout: %s", code, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut.String(), "\n  "+w+"\n") {
					t.Errorf("check-config stderr lacks %q:\n%s", w, errOut.String())
				}
			}
			if n := fmt.Sprintf(", %d problem", len(tt.want)); !strings.Contains(errOut.String(), n) {
				t.Errorf("check-config stderr does not count %d problems:\n%s", len(tt.want), errOut.String())
			}
		})
	}
}

// Routing channel names are checked with the functions rendering gives
// them (slug, lower, time, labels, emoji, dur): only slug and lower were
// known, so valid templates were refused.
func TestChannelNameTemplatesUseTheRealFunctions(t *testing.T) {
	valid := []string{
		"pay-{{.Incident.Key}}-{{slug .Incident.Title}}",
		"{{lower .Incident.Key}}",
		"inc-{{time .Incident.OpenedAt}}",
		"{{labels .Incident.Labels}}",
		"{{emoji .Incident.Severity}}-{{.Incident.Key}}",
		"{{dur .Elapsed}}",
		"{{oneline .Incident.Title}}",
		"{{timesec .Incident.OpenedAt}}",
		"{{join .Incident.Runbooks \"-\"}}",
	}
	for _, name := range templates.FuncNames() {
		if !strings.Contains(strings.Join(valid, " "), "{{"+name+" ") {
			t.Errorf("template function %s is not among the cases", name)
		}
	}
	for _, tmpl := range valid {
		t.Run(tmpl, func(t *testing.T) {
			file := fmt.Sprintf("routing:\n  - match: {team: payments}\n    channel_name: '%s'\n", tmpl)
			if _, _, err := loadConfig(writeConfig(t, file), nil); err != nil {
				t.Errorf("channel_name %q refused: %v", tmpl, err)
			}
		})
	}
	_, _, err := loadConfig(writeConfig(t, "routing:\n  - match: {team: payments}\n    channel_name: '{{shout .Incident.Key}}'\n"), nil)
	want := []string{`line 3: routing[0].channel_name: function "shout" not defined; the template functions are ` +
		strings.Join(templates.FuncNames(), ", ")}
	if got := problemLines(err); !slices.Equal(got, want) {
		t.Errorf("unknown function:\n got %q\nwant %q", got, want)
	}
}

// tickets.jira.comments takes every kind incident turns into a comment.
func TestTicketCommentKindsAccepted(t *testing.T) {
	env := []string{"WARROOM_TICKETS_BACKEND=jira", "WARROOM_TICKETS_JIRA_URL=https://jira.example.com",
		"WARROOM_TICKETS_JIRA_TOKEN=jira-tok-1", "WARROOM_TICKETS_JIRA_PROJECT=OPS",
		"WARROOM_TICKETS_JIRA_COMMENTS=" + strings.Join(incident.TicketCommentKinds(), ",")}
	c, _, err := loadConfig("", env)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Tickets.Jira.Comments, incident.TicketCommentKinds()) {
		t.Errorf("comments = %q, want %q", c.Tickets.Jira.Comments, incident.TicketCommentKinds())
	}
}

func TestDerivePublicURL(t *testing.T) {
	host := func(name string, err error) func() (string, error) {
		return func() (string, error) { return name, err }
	}
	tests := []struct {
		listen   string
		hostname func() (string, error)
		want     string
		note     string // a part of the note
	}{
		{"127.0.0.1:8080", host("box", nil), "http://127.0.0.1:8080", "derived from listen"},
		{"[::1]:8080", host("box", nil), "http://[::1]:8080", "derived from listen"},
		{"warroom.example.com:8080", host("box", nil), "http://warroom.example.com:8080", "derived from listen"},
		{"0.0.0.0:8084", host("box", nil), "http://box:8084", `this machine's host name "box"`},
		{"[::]:8084", host("box", nil), "http://box:8084", "set public_url"},
		{":8084", host("box", nil), "http://box:8084", "set public_url"},
		{"0.0.0.0:8084", host("", errors.New("no name")), "http://127.0.0.1:8084", "which only this machine reaches; set public_url"},
		{"127.0.0.1:0", host("box", nil), "", ""},
		{"8080", host("box", nil), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.listen, func(t *testing.T) {
			got, note := derivePublicURL(tt.listen, tt.hostname)
			if got != tt.want || !strings.Contains(note, tt.note) {
				t.Errorf("derivePublicURL(%q) = %q, %q; want %q with a note containing %q", tt.listen, got, note, tt.want, tt.note)
			}
		})
	}
}

// The default public_url is derived after the environment applies: with
// the sample config, WARROOM_LISTEN moves it too.
func TestPublicURLFollowsListenFromEnvironment(t *testing.T) {
	sample := filepath.Join("..", "..", "warroom.example.yaml")
	c, _, err := loadConfig(sample, []string{"WARROOM_LISTEN=127.0.0.1:8081"})
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "http://127.0.0.1:8081" {
		t.Errorf("public_url = %q, want http://127.0.0.1:8081", c.PublicURL)
	}
	var out bytes.Buffer
	if code := run(t.Context(), []string{"check-config"}, []string{"WARROOM_LISTEN=0.0.0.0:8084", "WARROOM_API_TOKEN=api-token-x1"},
		&out, &out); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if strings.Contains(out.String(), "[::]") || !strings.Contains(out.String(), "set public_url") {
		t.Errorf("check-config does not say how public_url was derived:\n%s", out.String())
	}
}

// Each command lists only its own flags: -at is oncall's.
func TestCommandFlags(t *testing.T) {
	tests := []struct {
		command       string
		want, notWant []string
	}{
		{"serve", []string{"-config", "-cpuprofile"}, []string{"-at", "-probe"}},
		{"check-config", []string{"-config", "-probe"}, []string{"-at", "-cpuprofile"}},
		{"oncall", []string{"-config", "-at"}, []string{"-probe", "-cpuprofile"}},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(t.Context(), []string{tt.command, "--help"}, nil, &out, &errOut); code != 0 {
				t.Fatalf("exit %d", code)
			}
			for _, f := range tt.want {
				if !strings.Contains(errOut.String(), "  "+f+" ") && !strings.Contains(errOut.String(), "  "+f+"\n") {
					t.Errorf("%s --help lacks %s:\n%s", tt.command, f, errOut.String())
				}
			}
			for _, f := range tt.notWant {
				if strings.Contains(errOut.String(), "  "+f) {
					t.Errorf("%s --help lists %s:\n%s", tt.command, f, errOut.String())
				}
			}
		})
	}
}

// check-config shows the chat, ticket, paging and routing settings it
// resolved, and never a secret.
func TestCheckConfigShowsResolvedSettings(t *testing.T) {
	secrets := []string{"mm-bot-token-1", "mm-command-token-1", "jira-token-1", "jira-hook-secret-1", "pdroutingkey12345678901234567890"}
	file := fmt.Sprintf(`chat:
  backend: mattermost
  mattermost:
    url: https://chat.example.com
    token: %s
    team: ops
    command_token: %s
    invite: [alice, bob]
tickets:
  backend: jira
  jira:
    url: https://jira.example.com
    token: %s
    project: OPS
    webhook_secret: %s
routing:
  - match: {team: payments}
    severity: high
    channel_name: 'pay-{{.Incident.Key}}'
    policy: default
paging:
  schedules:
    primary:
      layers:
        - name: weekly
          rotation: {members: [alice, bob], every: 1, unit: weeks, handoff_time: "09:00", start: "2026-11-02", time_zone: UTC}
  policies:
    default:
      steps:
        - {notify: ["schedule:primary"], wait: 5m}
  pagerduty:
    routing_key: %s
`, secrets[0], secrets[1], secrets[2], secrets[3], secrets[4])
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"check-config", "-config", writeConfig(t, file)}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, w := range []string{
		"chat.backend: mattermost",
		"chat.mattermost.url: https://chat.example.com",
		"chat.mattermost.token: (set)",
		"chat.mattermost.command_token: (set)",
		"chat.mattermost.action_secret: (not set)",
		"chat.mattermost.invite: [alice, bob]",
		"chat.mattermost.delete: archive",
		"tickets.backend: jira",
		"tickets.jira.project: OPS",
		"tickets.jira.token: (set)",
		"tickets.jira.comments: [acked, severity_changed, status_update, resolved, commander_changed, role_changed, title_changed]",
		"routing: 1 rules",
		"routing[0]: match {team: payments} -> severity high; channel_name pay-{{.Incident.Key}}; policy default",
		"paging.schedules: primary",
		"paging.policies: default, default_policy none",
		"paging.pagerduty.routing_key: (set)",
		"config OK",
	} {
		if !strings.Contains(out.String(), w+"\n") {
			t.Errorf("check-config output lacks %q:\n%s", w, out.String())
		}
	}
	for _, s := range secrets {
		if strings.Contains(out.String(), s) {
			t.Errorf("check-config prints the secret %q", s)
		}
	}
}
