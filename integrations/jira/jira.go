// Package jira makes Jira (Server/Data Center, REST v2) warroom's ticket
// system, with github.com/andygrunwald/go-jira: tickets opened from
// incidents and incidents from tickets, comments that keep them in step,
// closing from chat, the transcript attached and read back, and Jira's
// webhooks. go-jira's types stay inside this package.
package jira

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	jira "github.com/andygrunwald/go-jira"

	"github.com/warroom/warroom/incident"
)

// Name is the backend's name in config and in ticket references.
const Name = "jira"

// Config is tickets.jira in warroom's config.
type Config struct {
	URL                string // e.g. https://jira.example.com
	User               string // with Token: basic auth; empty: Token is a personal access token (Bearer)
	Token              string
	Project            string // project key, e.g. OPS
	IssueType          string // e.g. Incident
	DoneTransition     string // the transition's name, e.g. Done
	WebhookSecret      string // verifies X-Hub-Signature on POST /hooks/jira
	WebhookToken       string // else: a secret ?token= in the hook URL
	MaxAttachmentBytes int64  // Jira's attachment size limit; bigger documents stay in warroom
	PublicURL          string // warroom's public URL, for links in tickets
	Trigger            Trigger
}

// Trigger says which newly created Jira issues open an incident: issues of
// the project that carry one of the labels or one of the priorities.
type Trigger struct {
	Project    string
	Labels     []string
	Priorities []string
}

// Enabled reports whether any issue can match.
func (t Trigger) Enabled() bool { return len(t.Labels) > 0 || len(t.Priorities) > 0 }

// Backend is the Jira ticket system.
type Backend struct {
	cfg    Config
	client *jira.Client
	http   *http.Client
	tmpl   incident.Renderer
	log    *slog.Logger

	seenMu sync.Mutex
	seen   map[string]bool // webhook deliveries already handled, by identifier
	order  []string
}

// New builds the backend; it does not call Jira.
func New(cfg Config, tmpl incident.Renderer, log *slog.Logger, base *http.Client) (*Backend, error) {
	if cfg.URL == "" || cfg.Token == "" || cfg.Project == "" {
		return nil, fmt.Errorf("tickets.jira needs url, token and project")
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.IssueType == "" {
		cfg.IssueType = "Incident"
	}
	if cfg.DoneTransition == "" {
		cfg.DoneTransition = "Done"
	}
	if cfg.MaxAttachmentBytes <= 0 {
		cfg.MaxAttachmentBytes = 10 << 20
	}
	if cfg.Trigger.Project == "" {
		cfg.Trigger.Project = cfg.Project
	}
	if base == nil {
		base = &http.Client{}
	}
	var transport http.RoundTripper
	if cfg.User != "" {
		transport = &jira.BasicAuthTransport{Username: cfg.User, Password: cfg.Token, Transport: base.Transport}
	} else {
		transport = &jira.BearerAuthTransport{Token: cfg.Token, Transport: base.Transport}
	}
	hc := &http.Client{Transport: transport, Timeout: base.Timeout}
	client, err := jira.NewClient(hc, cfg.URL+"/")
	if err != nil {
		return nil, fmt.Errorf("tickets.jira.url %q: %w", cfg.URL, err)
	}
	return &Backend{cfg: cfg, client: client, http: hc, tmpl: tmpl, log: log, seen: map[string]bool{}}, nil
}

// Backend names the system.
func (b *Backend) Backend() string { return Name }

func (b *Backend) ref(key string) incident.TicketRef {
	return incident.TicketRef{Backend: Name, Key: key, URL: b.cfg.URL + "/browse/" + key}
}

// label is the label that marks an incident's ticket, so that a retried
// create finds the issue an earlier attempt made.
func label(inc *incident.Incident) string { return "warroom-" + strings.ToLower(inc.Key) }

func (b *Backend) data(inc *incident.Incident) incident.MessageData {
	return incident.MessageData{Incident: inc, URL: b.cfg.PublicURL + "/incidents/" + inc.Key}
}

// seenDelivery remembers the last webhook identifiers, to drop quick
// re-deliveries before they reach the store (which dedupes for good).
func (b *Backend) seenDelivery(id string) bool {
	if id == "" {
		return false
	}
	b.seenMu.Lock()
	defer b.seenMu.Unlock()
	if b.seen[id] {
		return true
	}
	b.seen[id] = true
	b.order = append(b.order, id)
	if len(b.order) > 10000 {
		delete(b.seen, b.order[0])
		b.order = b.order[1:]
	}
	return false
}
