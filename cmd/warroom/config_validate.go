package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/oncall"
	"github.com/warroom/warroom/templates"
)

// validate checks the config's values and returns every problem at once.
func (c Config) validate() error {
	var probs problems
	c.check(&probs)
	return probs.err("")
}

// check records every problem of the config's values. Each setting is
// checked in one place: an integration's keys by its own Config.Validate.
func (c Config) check(probs *problems) {
	c.checkServer(probs)
	c.checkChat(probs)
	c.checkTickets(probs)
	probs.add("sources.grafana", c.Sources.Grafana.Validate())
	probs.add("sources.generic", c.Sources.Generic.Validate())
	probs.add("sources.icinga2", c.Sources.Icinga2.Validate())
	c.Jobs.check(probs)
	c.Singletons.check(probs)
	c.Grouping.check(probs)
	c.checkRouting(probs)
	probs.add("prometheus", c.Prometheus.Validate())
	c.checkPaging(probs)
	c.Incidents.check(probs)

	c.checkActions(probs)
	c.checkSecrets(probs)
}

func (c Config) checkServer(probs *problems) {
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		probs.bad("listen", "%q is not host:port (e.g. 127.0.0.1:8080)", c.Listen)
	}
	if c.PublicURL != "" && !isHTTPURL(c.PublicURL) {
		probs.bad("public_url", "%q is not an http(s) URL", c.PublicURL)
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		probs.bad("log.level", "%q; use debug, info, warn or error", c.Log.Level)
	}
	if !oneOf(c.Log.Format, "text", "json") {
		probs.bad("log.format", "%q; use text or json", c.Log.Format)
	}
	c.checkStore(probs)
	if c.Limits.MaxBodyBytes < 1024 {
		probs.bad("limits.max_body_bytes", "%d; use at least 1024", c.Limits.MaxBodyBytes)
	}
}

func (c Config) checkChat(probs *problems) {
	switch c.Chat.Backend {
	case "builtin":
	case "mattermost":
		probs.add("chat.mattermost", c.Chat.Mattermost.Validate())
	case "rocketchat":
		probs.add("chat.rocketchat", c.Chat.RocketChat.Validate())
	default:
		probs.bad("chat.backend", "%q; use builtin, mattermost or rocketchat", c.Chat.Backend)
	}
}

func (c Config) checkTickets(probs *problems) {
	switch c.Tickets.Backend {
	case "builtin":
	case "jira":
		probs.add("tickets.jira", c.Tickets.Jira.Validate())
		kinds := incident.TicketCommentKinds()
		for i, k := range c.Tickets.Jira.Comments {
			if !oneOf(k, kinds...) {
				probs.bad(fmt.Sprintf("tickets.jira.comments[%d]", i), "%q; use any of %s", k, strings.Join(kinds, ", "))
			}
		}
	default:
		probs.bad("tickets.backend", "%q; use builtin or jira", c.Tickets.Backend)
	}
}

func (c Config) checkRouting(probs *problems) {
	for i, r := range c.Routing {
		key := fmt.Sprintf("routing[%d]", i)
		if len(r.Match) == 0 {
			probs.bad(key+".match", "empty; a rule without labels to match would route every incident")
		}
		if r.Severity != "" {
			if _, err := incident.ParseSeverity(r.Severity); err != nil {
				probs.bad(key+".severity", "%v", err)
			}
		}
		if r.ChannelName != "" {
			if err := templates.CheckText(r.ChannelName); err != nil {
				probs.bad(key+".channel_name", "%s; the template functions are %s", templateProblem(err),
					strings.Join(templates.FuncNames(), ", "))
			}
		}
		if r.Runbook != "" && c.Runbooks.Dir == "" {
			probs.bad(key+".runbook", "%q names a runbook, but runbooks.dir is not set", r.Runbook)
		}
	}
}

// templateProblem is a template parse error without text/template's
// "template: NAME:LINE: " in front.
func templateProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "text:") {
		return rest
	}
	return msg
}

// checkPaging checks each schedule on its own (so that every problem of
// every schedule is reported), then the policies and the routing rules'
// policy names against them.
func (c Config) checkPaging(probs *problems) {
	if pd := c.Paging.PagerDuty; pd.RoutingKey != "" || pd.URL != "" {
		probs.add("paging.pagerduty", pd.Validate())
	}
	if w := c.Paging.Webhook; w.URL != "" || w.Token != "" {
		probs.add("paging.webhook", w.Validate())
	}
	failed := false
	for name, sc := range c.Paging.Schedules {
		if _, err := (PagingConfig{Schedules: map[string]oncall.Schedule{name: sc}}).schedules(); err != nil {
			probs.add("", err)
			failed = true
		}
	}
	if failed {
		return
	}
	sched, err := c.Paging.schedules()
	if err != nil {
		probs.add("", err)
		return
	}
	policies, err := c.Paging.policies(sched)
	if err != nil {
		probs.add("", err)
		return
	}
	for i, r := range c.Routing {
		if _, ok := policies[r.Policy]; r.Policy != "" && !ok {
			probs.bad(fmt.Sprintf("routing[%d].policy", i), "no policy %q in paging.policies", r.Policy)
		}
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
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
			Runbook: rc.Runbook, Queries: rc.Graphs, Policy: rc.Policy, Broadcast: rc.Broadcast}}
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
