package jira

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/warroom/warroom/incident"
)

// Config is tickets.jira in warroom's config. Validate checks it; each
// problem is one error whose text starts with the key it is about.
type Config struct {
	URL                string    `yaml:"url"`                  // e.g. https://jira.example.com
	User               string    `yaml:"user"`                 // with Token: basic auth; empty: Token is a personal access token (Bearer)
	Token              string    `yaml:"token"`                // API token or personal access token
	Project            string    `yaml:"project"`              // project key, e.g. OPS
	IssueType          string    `yaml:"issue_type"`           // e.g. Incident
	DoneTransition     string    `yaml:"done_transition"`      // the transition's name, e.g. Done
	WebhookSecret      string    `yaml:"webhook_secret"`       // verifies X-Hub-Signature on POST /hooks/jira
	WebhookToken       string    `yaml:"webhook_token"`        // else: a secret ?token= in the hook URL
	CreateFor          string    `yaml:"create_for"`           // which incidents open an issue: all, none, or a minimum severity
	Trigger            Trigger   `yaml:"trigger"`              // which new issues open an incident
	Comments           []string  `yaml:"comments"`             // timeline events that become comments (checked by the caller, who knows the kinds)
	MaxAttachmentBytes int64     `yaml:"max_attachment_bytes"` // Jira's attachment size limit; bigger documents stay in warroom
	Followups          Followups `yaml:"followups"`            // the issues follow-ups become
	PublicURL          string    `yaml:"-"`                    // warroom's public URL, for links in tickets
}

// Trigger says which newly created Jira issues open an incident: issues of
// the project that carry one of the labels or one of the priorities.
type Trigger struct {
	Project    string   `yaml:"project"` // default: Config.Project
	Labels     []string `yaml:"labels"`
	Priorities []string `yaml:"priorities"`
}

// Enabled reports whether any issue can match.
func (t Trigger) Enabled() bool { return len(t.Labels) > 0 || len(t.Priorities) > 0 }

// Followups is tickets.jira.followups: where the issues of follow-ups go
// and how each links to the incident's issue.
type Followups struct {
	Project   string `yaml:"project"`    // project key; default: tickets.jira.project
	IssueType string `yaml:"issue_type"` // default Task
	LinkType  string `yaml:"link_type"`  // the issue link type's name, default Relates
}

// projectKey is Jira's rule for project keys: a capital letter, then
// capitals, digits or underscores.
var projectKey = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,254}$`)

// DefaultConfig is tickets.jira when the config says nothing.
func DefaultConfig() Config {
	return Config{IssueType: "Incident", DoneTransition: "Done", CreateFor: "all", Followups: Followups{IssueType: "Task", LinkType: "Relates"},
		Comments: []string{"acked", "severity_changed", "status_update", "resolved", "commander_changed", "role_changed", "title_changed"}, MaxAttachmentBytes: 10 << 20}
}

// withDefaults fills the keys New needs, left empty, from DefaultConfig.
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	if c.IssueType == "" {
		c.IssueType = def.IssueType
	}
	if c.DoneTransition == "" {
		c.DoneTransition = def.DoneTransition
	}
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = def.MaxAttachmentBytes
	}
	if c.Followups.Project == "" {
		c.Followups.Project = c.Project
	}
	if c.Followups.IssueType == "" {
		c.Followups.IssueType = def.Followups.IssueType
	}
	if c.Followups.LinkType == "" {
		c.Followups.LinkType = def.Followups.LinkType
	}
	return c
}

// Validate reports every problem of a config that warroom is to run with,
// each as one error "key: what to do", joined.
func (c Config) Validate() error {
	errs := c.required()
	if _, err := c.OpenFor(); err != nil {
		errs = append(errs, fmt.Errorf("create_for: %w", err))
	}
	if c.MaxAttachmentBytes < 0 {
		errs = append(errs, fmt.Errorf("max_attachment_bytes: %d; use 0 or more", c.MaxAttachmentBytes))
	}
	if p := c.Followups.Project; p != "" && !projectKey.MatchString(p) {
		errs = append(errs, fmt.Errorf("followups.project: %q is not a Jira project key: give the key (capitals, digits, _), e.g. %s", p, suggestKey(p)))
	}
	return errors.Join(errs...)
}

// required is what New needs to build a client at all.
func (c Config) required() []error {
	var errs []error
	if u, err := url.Parse(c.URL); c.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: %q is not Jira's http(s) base URL", c.URL))
	}
	if c.Token == "" {
		errs = append(errs, errors.New("token: empty; an API token (with user) or a personal access token (without user)"))
	}
	if c.Project == "" {
		errs = append(errs, errors.New("project: empty; give the project key, e.g. OPS"))
	}
	return errs
}

// suggestKey is the project key a person probably meant: the name in
// capitals, without what a key cannot hold.
func suggestKey(p string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(p) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9' && b.Len() > 0) || (r == '_' && b.Len() > 0) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "OPS"
	}
	return b.String()
}

// OpenFor reads create_for: which incidents get a ticket.
func (c Config) OpenFor() (func(*incident.Incident) bool, error) {
	switch strings.ToLower(strings.TrimSpace(c.CreateFor)) {
	case "", "all":
		return func(*incident.Incident) bool { return true }, nil
	case "none":
		return func(*incident.Incident) bool { return false }, nil
	}
	min, err := incident.ParseSeverity(c.CreateFor)
	if err != nil {
		return nil, fmt.Errorf("%q: use all, none, or a minimum severity (critical, high, warning, info)", c.CreateFor)
	}
	return func(inc *incident.Incident) bool { return inc.Severity >= min }, nil
}
