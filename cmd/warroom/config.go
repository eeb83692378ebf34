package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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
	Paging     PagingConfig     `yaml:"paging"`
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
	// AllowUnauthenticated lets a listener beyond loopback go without
	// api.token: only behind a proxy that authenticates every request.
	AllowUnauthenticated bool `yaml:"allow_unauthenticated"`
}

// JobsConfig tunes the durable job runner.
type JobsConfig struct {
	Workers     int            `yaml:"workers"`
	MaxAttempts int            `yaml:"max_attempts"` // tries of an unclassified failure
	MaxAge      Duration       `yaml:"max_age"`      // how long transient failures are retried
	BaseDelay   Duration       `yaml:"base_delay"`
	MaxDelay    Duration       `yaml:"max_delay"`
	Retention   Duration       `yaml:"retention"` // done jobs are pruned after this
	Limits      map[string]int `yaml:"limits"`    // jobs running at once per backend (chat, tickets, paging, ...)
	Paused      []string       `yaml:"paused"`
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
	Policy      string            `yaml:"policy"`
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
		Jobs: JobsConfig{Workers: 16, MaxAttempts: 20, MaxAge: Duration(24 * time.Hour), BaseDelay: Duration(time.Second),
			MaxDelay: Duration(5 * time.Minute), Retention: Duration(7 * 24 * time.Hour),
			Limits: map[string]int{incident.BackendChat: 8, incident.BackendTickets: 4, incident.BackendPaging: 4}},
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
