package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/warroom/warroom/incident"
)

// Config is warroom's whole configuration: one YAML file, every key
// overridable by an environment variable WARROOM_<KEY_PATH> (see applyEnv).
type Config struct {
	Listen     string           `yaml:"listen"`
	PublicURL  string           `yaml:"public_url"`
	Log        LogConfig        `yaml:"log"`
	Store      StoreConfig      `yaml:"store"`
	Chat       ChatConfig       `yaml:"chat"`
	Tickets    TicketsConfig    `yaml:"tickets"`
	Sources    SourcesConfig    `yaml:"sources"`
	API        APIConfig        `yaml:"api"`
	Jobs       JobsConfig       `yaml:"jobs"`
	Templates  TemplatesConf    `yaml:"templates"`
	Runbooks   RunbooksConf     `yaml:"runbooks"`
	Routing    []RouteConfig    `yaml:"routing"`
	Prometheus PrometheusConfig `yaml:"prometheus"`
	Limits     LimitsConfig     `yaml:"limits"`
}

// LogConfig sets up log/slog.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// StoreConfig chooses the database.
type StoreConfig struct {
	Driver string `yaml:"driver"` // sqlite (postgres comes later)
	DSN    string `yaml:"dsn"`    // for sqlite: the file path
}

// ChatConfig chooses the chat backend.
type ChatConfig struct {
	Backend    string           `yaml:"backend"` // builtin, mattermost or rocketchat
	Mattermost MattermostConfig `yaml:"mattermost"`
	RocketChat RocketChatConfig `yaml:"rocketchat"`
}

// RocketChatConfig is chat.rocketchat.
type RocketChatConfig struct {
	URL          string   `yaml:"url"`
	UserID       string   `yaml:"user_id"`
	Token        string   `yaml:"token"`
	WebhookToken string   `yaml:"webhook_token"`
	Trigger      string   `yaml:"trigger"`
	Delete       string   `yaml:"delete"`
	Private      bool     `yaml:"private"`
	Invite       []string `yaml:"invite"`
	PinEmoji     string   `yaml:"pin_emoji"`
	PinPoll      Duration `yaml:"pin_poll"`
	MaxFileBytes int64    `yaml:"max_file_bytes"`
}

// MattermostConfig is chat.mattermost.
type MattermostConfig struct {
	URL          string   `yaml:"url"`
	Token        string   `yaml:"token"`
	Team         string   `yaml:"team"`
	CommandToken string   `yaml:"command_token"`
	Delete       string   `yaml:"delete"`
	Private      bool     `yaml:"private"`
	Invite       []string `yaml:"invite"`
	PinEmoji     string   `yaml:"pin_emoji"`
	MaxFileBytes int64    `yaml:"max_file_bytes"`
	ActionSecret string   `yaml:"action_secret"`
}

// TicketsConfig chooses the ticket system.
type TicketsConfig struct {
	Backend string     `yaml:"backend"` // builtin or jira
	Jira    JiraConfig `yaml:"jira"`
}

// JiraConfig is tickets.jira.
type JiraConfig struct {
	URL                string            `yaml:"url"`
	User               string            `yaml:"user"`
	Token              string            `yaml:"token"`
	Project            string            `yaml:"project"`
	IssueType          string            `yaml:"issue_type"`
	DoneTransition     string            `yaml:"done_transition"`
	WebhookSecret      string            `yaml:"webhook_secret"`
	WebhookToken       string            `yaml:"webhook_token"`
	CreateFor          string            `yaml:"create_for"` // all, none, or a minimum severity
	Trigger            JiraTriggerConfig `yaml:"trigger"`
	Comments           []string          `yaml:"comments"`
	MaxAttachmentBytes int64             `yaml:"max_attachment_bytes"`
}

// JiraTriggerConfig is tickets.jira.trigger.
type JiraTriggerConfig struct {
	Project    string   `yaml:"project"`
	Labels     []string `yaml:"labels"`
	Priorities []string `yaml:"priorities"`
}

// SourcesConfig configures the alert sources.
type SourcesConfig struct {
	Alertmanager AlertmanagerConfig `yaml:"alertmanager"`
	Grafana      GrafanaConfig      `yaml:"grafana"`
	Generic      GenericConfig      `yaml:"generic"`
	Icinga2      Icinga2Config      `yaml:"icinga2"`
}

// Icinga2Config configures the Icinga 2 source: the event stream (with url)
// and POST /hooks/icinga2 (with token).
type Icinga2Config struct {
	URL        string `yaml:"url"`
	User       string `yaml:"user"`
	Password   string `yaml:"password"`
	CAFile     string `yaml:"ca_file"`
	ServerName string `yaml:"server_name"`
	Queue      string `yaml:"queue"`
	Token      string `yaml:"token"`
}

// GenericConfig configures POST /hooks/generic: templates over the JSON body.
type GenericConfig struct {
	Token    string            `yaml:"token"`
	Title    string            `yaml:"title"`
	Summary  string            `yaml:"summary"`
	Severity string            `yaml:"severity"`
	DedupKey string            `yaml:"dedup_key"`
	Resolved string            `yaml:"resolved"`
	StartsAt string            `yaml:"starts_at"`
	Labels   map[string]string `yaml:"labels"`
	Links    map[string]string `yaml:"links"`
}

// GrafanaConfig configures POST /hooks/grafana.
type GrafanaConfig struct {
	Secret          string `yaml:"secret"`           // HMAC secret of the contact point
	Header          string `yaml:"header"`           // signature header
	TimestampHeader string `yaml:"timestamp_header"` // optional timestamp header
	Token           string `yaml:"token"`            // optional Bearer token
}

// AlertmanagerConfig configures POST /hooks/alertmanager.
type AlertmanagerConfig struct {
	Token string `yaml:"token"` // when set, the hook requires Authorization: Bearer <token>
}

// APIConfig protects the JSON API and the web UI.
type APIConfig struct {
	Token string `yaml:"token"`
}

// JobsConfig tunes the durable job runner.
type JobsConfig struct {
	Workers     int      `yaml:"workers"`
	MaxAttempts int      `yaml:"max_attempts"`
	BaseDelay   Duration `yaml:"base_delay"`
	MaxDelay    Duration `yaml:"max_delay"`
	Paused      []string `yaml:"paused"`
}

// TemplatesConf points at operator overrides of the chat texts.
type TemplatesConf struct {
	Dir string `yaml:"dir"`
}

// RouteConfig is one routing rule: incidents whose labels match get its
// severity, invitees, channel name, runbook and graphs.
type RouteConfig struct {
	Match       map[string]string `yaml:"match"`
	Severity    string            `yaml:"severity"`
	Invite      []string          `yaml:"invite"`
	ChannelName string            `yaml:"channel_name"`
	Runbook     string            `yaml:"runbook"`
	Graphs      []string          `yaml:"graphs"`
}

// PrometheusConfig points at the Prometheus that graphs come from.
type PrometheusConfig struct {
	URL      string   `yaml:"url"`
	TimeZone string   `yaml:"time_zone"` // IANA name for the graphs' time axis, e.g. Europe/Berlin
	Before   Duration `yaml:"before"`    // how far before an alert's start graphs begin
	After    Duration `yaml:"after"`     // and after it they end (capped at now)
}

// RunbooksConf points at a directory of Markdown runbooks.
type RunbooksConf struct {
	Dir string `yaml:"dir"`
}

// LimitsConfig bounds what warroom accepts.
type LimitsConfig struct {
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
}

// Duration is a time.Duration written as "30s" or "5m" in YAML and env.
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration (write e.g. 30s, 5m, 1h)", string(b))
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// defaultConfig is the embedded default: SQLite and the builtin chat and
// tickets, on loopback, with nothing else needed.
func defaultConfig() Config {
	return Config{
		Listen: "127.0.0.1:8080",
		Log:    LogConfig{Level: "info", Format: "text"},
		Store:  StoreConfig{Driver: "sqlite", DSN: "warroom.db"},
		Chat: ChatConfig{Backend: "builtin", Mattermost: MattermostConfig{Delete: "archive", PinEmoji: "pushpin",
			MaxFileBytes: 10 << 20}, RocketChat: RocketChatConfig{Trigger: "!incident", Delete: "archive", PinEmoji: "pushpin",
			PinPoll: Duration(15 * time.Second), MaxFileBytes: 10 << 20}},
		Tickets: TicketsConfig{Backend: "builtin", Jira: JiraConfig{IssueType: "Incident", DoneTransition: "Done", CreateFor: "all",
			Comments: []string{"acked", "severity_changed", "status_update", "resolved"}, MaxAttachmentBytes: 10 << 20}},
		Jobs: JobsConfig{Workers: 2, MaxAttempts: 20, BaseDelay: Duration(time.Second),
			MaxDelay: Duration(5 * time.Minute)},
		Limits:     LimitsConfig{MaxBodyBytes: 1 << 20},
		Sources:    SourcesConfig{Grafana: GrafanaConfig{Header: "X-Grafana-Alerting-Signature"}},
		Prometheus: PrometheusConfig{TimeZone: "UTC", Before: Duration(time.Hour), After: Duration(15 * time.Minute)},
	}
}

// loadConfig reads path (if not empty) strictly over the defaults, then
// applies the environment, then validates. It also returns the WARROOM_
// variables that matched no key.
func loadConfig(path string, environ []string) (Config, []string, error) {
	cfg := defaultConfig()
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, nil, fmt.Errorf("read config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, nil, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	unknown, err := applyEnv(&cfg, environ)
	if err != nil {
		return cfg, unknown, err
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return cfg, unknown, cfg.validate()
}

func (c Config) validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen: %q is not host:port (e.g. 127.0.0.1:8080)", c.Listen)
	}
	if u, err := url.Parse(c.PublicURL); c.PublicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		bad("public_url: %q is not an http(s) URL", c.PublicURL)
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		bad("log.level: %q; use debug, info, warn or error", c.Log.Level)
	}
	if !oneOf(c.Log.Format, "text", "json") {
		bad("log.format: %q; use text or json", c.Log.Format)
	}
	switch c.Store.Driver {
	case "sqlite":
		if c.Store.DSN == "" {
			bad("store.dsn: empty; give the SQLite file's path")
		}
	case "postgres":
		bad("store.driver: postgres is not available in this build yet; use sqlite")
	default:
		bad("store.driver: %q; use sqlite", c.Store.Driver)
	}
	switch c.Chat.Backend {
	case "builtin":
	case "mattermost":
		mm := c.Chat.Mattermost
		if u, err := url.Parse(mm.URL); mm.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("chat.mattermost.url: %q is not the server's http(s) URL", mm.URL)
		}
		if mm.Token == "" {
			bad("chat.mattermost.token: empty; create a bot account and give its access token")
		}
		if mm.Team == "" {
			bad("chat.mattermost.team: empty; give the team's name (the part of its URL)")
		}
		if !oneOf(mm.Delete, "permanent", "archive", "keep") {
			bad("chat.mattermost.delete: %q; use permanent, archive or keep", mm.Delete)
		}
		if mm.MaxFileBytes < 0 {
			bad("chat.mattermost.max_file_bytes: %d; use 0 or more", mm.MaxFileBytes)
		}
	case "rocketchat":
		rc := c.Chat.RocketChat
		if u, err := url.Parse(rc.URL); rc.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("chat.rocketchat.url: %q is not the server's http(s) URL", rc.URL)
		}
		if rc.UserID == "" || rc.Token == "" {
			bad("chat.rocketchat.user_id and .token: give the bot user's id and a personal access token of it")
		}
		if !oneOf(rc.Delete, "permanent", "archive", "keep") {
			bad("chat.rocketchat.delete: %q; use permanent, archive or keep", rc.Delete)
		}
		if strings.TrimSpace(rc.Trigger) == "" || strings.ContainsAny(rc.Trigger, " \t") {
			bad("chat.rocketchat.trigger: %q; one word, such as !incident", rc.Trigger)
		}
		if rc.PinPoll < Duration(100*time.Millisecond) {
			bad("chat.rocketchat.pin_poll: %s; use 100ms or more (15s is plenty)", time.Duration(rc.PinPoll))
		}
	default:
		bad("chat.backend: %q; use builtin, mattermost or rocketchat", c.Chat.Backend)
	}
	switch c.Tickets.Backend {
	case "builtin":
	case "jira":
		c.Tickets.Jira.validate(bad)
	default:
		bad("tickets.backend: %q; use builtin or jira", c.Tickets.Backend)
	}
	if c.Jobs.Workers < 1 || c.Jobs.Workers > 64 {
		bad("jobs.workers: %d; use 1 to 64", c.Jobs.Workers)
	}
	if c.Jobs.MaxAttempts < 1 {
		bad("jobs.max_attempts: %d; use at least 1", c.Jobs.MaxAttempts)
	}
	if c.Jobs.BaseDelay <= 0 || c.Jobs.MaxDelay < c.Jobs.BaseDelay {
		bad("jobs.base_delay and jobs.max_delay: need 0 < base_delay <= max_delay")
	}
	for _, k := range c.Jobs.Paused {
		if !oneOf(k, jobKindNames()...) {
			bad("jobs.paused: unknown job kind %q; kinds are %s", k, strings.Join(jobKindNames(), ", "))
		}
	}
	for i, r := range c.Routing {
		if len(r.Match) == 0 {
			bad("routing[%d].match: empty; a rule without labels to match would route every incident", i)
		}
		if r.Severity != "" {
			if _, err := incident.ParseSeverity(r.Severity); err != nil {
				bad("routing[%d].severity: %v", i, err)
			}
		}
		if r.ChannelName != "" {
			if _, err := template.New("x").Funcs(template.FuncMap{"slug": func(string) string { return "" },
				"lower": strings.ToLower}).Parse(r.ChannelName); err != nil {
				bad("routing[%d].channel_name: %v", i, err)
			}
		}
		if r.Runbook != "" && c.Runbooks.Dir == "" {
			bad("routing[%d].runbook: %q names a runbook, but runbooks.dir is not set", i, r.Runbook)
		}
	}
	if c.Prometheus.URL != "" {
		if u, err := url.Parse(c.Prometheus.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("prometheus.url: %q is not an http(s) URL", c.Prometheus.URL)
		}
		if _, err := time.LoadLocation(c.Prometheus.TimeZone); err != nil {
			bad("prometheus.time_zone: %q: %v; use an IANA name such as Europe/Berlin", c.Prometheus.TimeZone, err)
		}
	}
	if c.Limits.MaxBodyBytes < 1024 {
		bad("limits.max_body_bytes: %d; use at least 1024", c.Limits.MaxBodyBytes)
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid config:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return nil
}

func (j JiraConfig) validate(bad func(string, ...any)) {
	if u, err := url.Parse(j.URL); j.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("tickets.jira.url: %q is not Jira's http(s) base URL", j.URL)
	}
	if j.Token == "" {
		bad("tickets.jira.token: empty; an API token (with user) or a personal access token (without user)")
	}
	if j.Project == "" {
		bad("tickets.jira.project: empty; give the project key, e.g. OPS")
	}
	if _, err := j.createFor(); err != nil {
		bad("tickets.jira.create_for: %v", err)
	}
	for _, k := range j.Comments {
		if !oneOf(k, ticketCommentKinds...) {
			bad("tickets.jira.comments: %q; use any of %s", k, strings.Join(ticketCommentKinds, ", "))
		}
	}
	if j.MaxAttachmentBytes < 0 {
		bad("tickets.jira.max_attachment_bytes: %d; use 0 or more", j.MaxAttachmentBytes)
	}
}

// ticketCommentKinds are the events that can become ticket comments.
var ticketCommentKinds = []string{"acked", "resolved", "open", "severity_changed", "status_update", "note", "pinned"}

// createFor reads create_for: which incidents get a ticket.
func (j JiraConfig) createFor() (func(*incident.Incident) bool, error) {
	switch strings.ToLower(strings.TrimSpace(j.CreateFor)) {
	case "", "all":
		return func(*incident.Incident) bool { return true }, nil
	case "none":
		return func(*incident.Incident) bool { return false }, nil
	}
	min, err := incident.ParseSeverity(j.CreateFor)
	if err != nil {
		return nil, fmt.Errorf("%q: use all, none, or a minimum severity (critical, high, warning, info)", j.CreateFor)
	}
	return func(inc *incident.Incident) bool { return inc.Severity >= min }, nil
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// applyEnv overrides any key from WARROOM_ + the upper-case key path joined
// by "_": chat.mattermost.token is WARROOM_CHAT_MATTERMOST_TOKEN. Lists are
// comma-separated. WARROOM_ variables that name no key are returned so that
// the caller can warn about them (they are often typos).
func applyEnv(cfg *Config, environ []string) ([]string, error) {
	fields := map[string]reflect.Value{}
	collectFields(reflect.ValueOf(cfg).Elem(), "WARROOM", fields)
	var unknown []string
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "WARROOM_") {
			continue
		}
		f, known := fields[name]
		if !known {
			if !oneOf(name, notConfigEnv...) {
				unknown = append(unknown, name)
			}
			continue
		}
		if err := setField(f, value); err != nil {
			return unknown, fmt.Errorf("environment variable %s: %w", name, err)
		}
	}
	return unknown, nil
}

// notConfigEnv are WARROOM_ variables with other uses (test harness, CI).
var notConfigEnv = []string{"WARROOM_CACHE"}

func collectFields(v reflect.Value, prefix string, out map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + "_" + strings.ToUpper(tag)
		f := v.Field(i)
		if f.Kind() == reflect.Struct && !f.Addr().Type().Implements(textUnmarshaler) {
			collectFields(f, name, out)
			continue
		}
		out[name] = f
	}
}

var textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()

func setField(f reflect.Value, value string) error {
	if f.CanAddr() && f.Addr().Type().Implements(textUnmarshaler) {
		return f.Addr().Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(value))
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(value)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", value)
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("%q is not true or false", value)
		}
		f.SetBool(b)
	case reflect.Slice:
		if f.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("is a list of rules; set it in the config file")
		}
		var items []string
		for _, s := range strings.Split(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		f.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("cannot be set from the environment")
	}
	return nil
}

// router turns the routing rules into the domain's Router.
func (c Config) router() (incident.Router, error) {
	var r incident.Router
	for i, rc := range c.Routing {
		rule := incident.Rule{Match: rc.Match, Route: incident.Route{Invite: rc.Invite, ChannelName: rc.ChannelName,
			Runbook: rc.Runbook, Queries: rc.Graphs}}
		if rc.Severity != "" {
			sev, err := incident.ParseSeverity(rc.Severity)
			if err != nil {
				return nil, fmt.Errorf("routing[%d].severity: %w", i, err)
			}
			rule.Severity = sev
		}
		r = append(r, rule)
	}
	return r, nil
}
