package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/warroom/warroom/incident"
)

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
	c.Jobs.validate(bad)
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
	if sched, err := c.Paging.schedules(); err != nil {
		bad("%v", err)
	} else if policies, err := c.Paging.policies(sched); err != nil {
		bad("%v", err)
	} else {
		for i, r := range c.Routing {
			if _, ok := policies[r.Policy]; r.Policy != "" && !ok {
				bad("routing[%d].policy: no policy %q in paging.policies", i, r.Policy)
			}
		}
	}
	c.validateSecrets(bad)
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

// router turns the routing rules into the domain's Router.
func (c Config) router() (incident.Router, error) {
	var r incident.Router
	for i, rc := range c.Routing {
		rule := incident.Rule{Match: rc.Match, Route: incident.Route{Invite: rc.Invite, ChannelName: rc.ChannelName,
			Runbook: rc.Runbook, Queries: rc.Graphs, Policy: rc.Policy}}
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
