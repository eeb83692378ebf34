package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/postgres"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/grafana"
	"github.com/warroom/warroom/integrations/icinga2"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/integrations/mattermost"
	"github.com/warroom/warroom/integrations/prometheus"
	"github.com/warroom/warroom/integrations/rocketchat"
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
	Incidents  IncidentsConfig  `yaml:"incidents"`

	// Actions are the ChatOps actions /incident run runs (config_actions.go);
	// Groups name sets of chat users their permissions refer to.
	Actions []ActionConfig      `yaml:"actions"`
	Groups  map[string][]string `yaml:"groups"`

	Singletons SingletonsConfig `yaml:"singletons"`

	Grouping GroupingConfig `yaml:"grouping"`

	// publicURLNote says how public_url was derived when the config does
	// not set it (check-config shows it).
	publicURLNote string
}

// LogConfig sets up log/slog.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// StoreConfig chooses the database.
type StoreConfig struct {
	Driver string `yaml:"driver"` // sqlite or postgres
	DSN    string `yaml:"dsn"`    // sqlite: the file's path; postgres: a postgres:// URL
	// MaxConns bounds the PostgreSQL connections of one replica.
	MaxConns int `yaml:"max_conns"`
}

// ChatConfig chooses the chat backend. Each backend's keys are its own
// package's Config, with their yaml tags and Validate.
type ChatConfig struct {
	Backend    string            `yaml:"backend"` // builtin, mattermost or rocketchat
	Mattermost mattermost.Config `yaml:"mattermost"`
	RocketChat rocketchat.Config `yaml:"rocketchat"`
}

// TicketsConfig chooses the ticket system.
type TicketsConfig struct {
	Backend string      `yaml:"backend"` // builtin or jira
	Jira    jira.Config `yaml:"jira"`
}

// The integrations' config types under the names cmd's tests use.
type (
	// MattermostConfig is chat.mattermost.
	MattermostConfig = mattermost.Config
	// RocketChatConfig is chat.rocketchat.
	RocketChatConfig = rocketchat.Config
	// JiraConfig is tickets.jira.
	JiraConfig = jira.Config
	// JiraTriggerConfig is tickets.jira.trigger.
	JiraTriggerConfig = jira.Trigger
	// Icinga2Config is sources.icinga2.
	Icinga2Config = icinga2.Config
	// GenericConfig is sources.generic.
	GenericConfig = generic.Config
	// GenericMapping is the templates of sources.generic.
	GenericMapping = generic.Mapping
	// PrometheusConfig is prometheus.
	PrometheusConfig = prometheus.Config
)

// SourcesConfig configures the alert sources, each by its own package's
// Config.
type SourcesConfig struct {
	Alertmanager alertmanager.Config `yaml:"alertmanager"`
	Grafana      grafana.Config      `yaml:"grafana"`
	Generic      generic.Config      `yaml:"generic"`
	Icinga2      icinga2.Config      `yaml:"icinga2"`
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
	Lease       Duration       `yaml:"lease"` // how long a claim lasts unrenewed (a dead replica's jobs wait this long)
	// BurstWorkers of the workers run jobs while alerts are coming in; the
	// others wait until the burst has passed, or has lasted BurstHold.
	BurstWorkers int      `yaml:"burst_workers"`
	BurstHold    Duration `yaml:"burst_hold"`
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
	Broadcast   string            `yaml:"broadcast"` // a stakeholder channel that gets each status update
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
		return fmt.Errorf("%q is not %s", string(b), expectedForm(durationType))
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
		Listen:  "127.0.0.1:8080",
		Log:     LogConfig{Level: "info", Format: "text"},
		Store:   StoreConfig{Driver: "sqlite", DSN: "warroom.db", MaxConns: postgres.DefaultMaxConns},
		Chat:    ChatConfig{Backend: "builtin", Mattermost: mattermost.DefaultConfig(), RocketChat: rocketchat.DefaultConfig()},
		Tickets: TicketsConfig{Backend: "builtin", Jira: jira.DefaultConfig()},
		Jobs: JobsConfig{Workers: 16, MaxAttempts: 20, MaxAge: Duration(24 * time.Hour), BaseDelay: Duration(time.Second),
			MaxDelay: Duration(5 * time.Minute), Retention: Duration(7 * 24 * time.Hour), Lease: Duration(time.Minute),
			BurstWorkers: 2, BurstHold: Duration(10 * time.Second),
			Limits: map[string]int{incident.BackendChat: 8, incident.BackendTickets: 4, incident.BackendPaging: 4}},
		Limits:     LimitsConfig{MaxBodyBytes: 1 << 20},
		Sources:    SourcesConfig{Grafana: grafana.DefaultConfig()},
		Prometheus: prometheus.DefaultConfig(),
		Singletons: defaultSingletons(),
	}
}

// loadConfig reads path (if not empty) over the defaults, then applies the
// environment, then derives public_url if it is not set, then validates.
// Every problem of the file, the environment and the values is reported at
// once, each with its key path and, for the file, its line. It also returns
// the WARROOM_ variables that matched no key.
func loadConfig(path string, environ []string) (Config, []string, error) {
	cfg := defaultConfig()
	var probs problems
	lines := map[string]int{}
	source := "(no file: the embedded default and the environment)"
	if path != "" {
		source = path
		raw, err := os.ReadFile(path)
		if err != nil {
			return cfg, nil, fmt.Errorf("read config: %w", err)
		}
		decodeFile(raw, &cfg, &probs, lines)
	}
	fromEnv, unknown := applyEnv(&cfg, environ, &probs)
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.PublicURL == "" {
		cfg.PublicURL, cfg.publicURLNote = derivePublicURL(cfg.Listen, os.Hostname)
	}
	read := len(probs.list)
	cfg.check(&probs)
	probs.dropEchoes(read)
	probs.locate(lines, fromEnv)
	return cfg, unknown, probs.err(source)
}

// decodeFile decodes a YAML file into cfg, recording every problem of its
// shape (unknown keys, wrong forms) and the line of every key.
func decodeFile(raw []byte, cfg *Config, probs *problems, lines map[string]int) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			probs.at(0, "", "%s; the file is not valid YAML", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return
	}
	before := len(probs.list)
	sh := &shape{probs: probs, lines: lines, budget: nodeBudget}
	sh.check(&doc, reflect.TypeFor[Config](), "")
	sh.empty()
	if err := doc.Decode(cfg); err != nil && len(probs.list) == before {
		// The shape check found nothing, yet yaml.v3 refused: say what it said.
		probs.at(0, "", "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}

}
