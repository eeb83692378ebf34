// Package jira makes Jira (Server/Data Center, REST v2) warroom's ticket
// system, with github.com/andygrunwald/go-jira: tickets opened from
// incidents and incidents from tickets, comments that keep them in step,
// closing from chat, the transcript attached and read back, and Jira's
// webhooks. go-jira's types stay inside this package.
package jira

import (
	"errors"
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
	if err := errors.Join(cfg.required()...); err != nil {
		return nil, fmt.Errorf("tickets.jira: %w", err)
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	cfg = cfg.withDefaults()
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
