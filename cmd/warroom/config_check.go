package main

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"
)

// checkConfig is `warroom check-config`: it prints what the config
// resolves to (secrets masked) and, with probe, whether each configured
// peer answers. A peer not reached (or refusing the credentials) makes the
// exit code 1.
func checkConfig(ctx context.Context, cfg Config, path string, probe bool, stdout io.Writer) int {
	src := path
	if src == "" {
		src = "no file (embedded default)"
	}
	publicURL := cfg.PublicURL
	switch {
	case publicURL == "":
		publicURL = "(derived from the bound address when serve starts)"
	case cfg.publicURLNote != "":
		publicURL += " (" + cfg.publicURLNote + ")"
	}
	lines := []string{
		"config: " + src,
		"listen: " + cfg.Listen,
		"public_url: " + publicURL,
		storeLine(cfg.Store),
		"api.token: " + mask(cfg.API.Token),
		"api access: " + apiAccess(cfg),
		"chat.backend: " + cfg.Chat.Backend,
	}
	secret := map[string]bool{}
	for _, s := range cfg.secrets() {
		secret[s.key] = true
	}
	show := func(key string, v any) { lines = append(lines, settings(key, reflect.ValueOf(v), secret)...) }
	switch cfg.Chat.Backend {
	case "mattermost":
		show("chat.mattermost", cfg.Chat.Mattermost)
	case "rocketchat":
		show("chat.rocketchat", cfg.Chat.RocketChat)
	}
	lines = append(lines, "tickets.backend: "+cfg.Tickets.Backend)
	if cfg.Tickets.Backend == "jira" {
		show("tickets.jira", cfg.Tickets.Jira)
	}
	lines = append(lines,
		"sources.alertmanager.token: "+mask(cfg.Sources.Alertmanager.Token)+hookOff(cfg.Sources.Alertmanager.Token, "/hooks/alertmanager"),
		"sources.grafana.secret: "+mask(cfg.Sources.Grafana.Secret)+hookOff(cfg.Sources.Grafana.Secret+cfg.Sources.Grafana.Token, "/hooks/grafana"),
		"sources.icinga2.token: "+mask(cfg.Sources.Icinga2.Token)+hookOff(cfg.Sources.Icinga2.Token, "/hooks/icinga2"))
	if cfg.Sources.Icinga2.URL != "" {
		show("sources.icinga2", cfg.Sources.Icinga2)
	}
	if g := cfg.Sources.Generic; g.Enabled() {
		show("sources.generic", g)
	} else {
		lines = append(lines, "sources.generic: (not set: POST /hooks/generic is off)")
	}
	if cfg.Prometheus.URL != "" {
		show("prometheus", cfg.Prometheus)
	} else {
		lines = append(lines, "prometheus.url: (not set: no graphs)")
	}
	lines = append(lines, routingLines(cfg.Routing)...)
	lines = append(lines, pagingLines(cfg.Paging)...)
	lines = append(lines, cfg.Grouping.line())
	lines = append(lines, incidentsLines(cfg.Incidents)...)
	lines = append(lines, fmt.Sprintf("jobs: %d workers (%d while alerts come in, for at most %s), limits %s, paused %s", cfg.Jobs.Workers,
		cfg.Jobs.BurstWorkers, time.Duration(cfg.Jobs.BurstHold), formatMap(cfg.Jobs.Limits), or(strings.Join(cfg.Jobs.Paused, ", "), "none")))
	fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	fmt.Fprintln(stdout, "config OK")
	if probe {
		return probePeers(ctx, cfg, stdout)
	}
	return 0
}

func mask(s string) string {
	if s == "" {
		return "(not set)"
	}
	return "(set)"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hookOff notes a hook that refuses everything: it has no secret of its own.
func hookOff(secret, path string) string {
	if secret == "" {
		return " (POST " + path + " is off)"
	}
	return ""
}

// apiAccess says in one line who can use the API and the UI.
func apiAccess(cfg Config) string {
	switch {
	case cfg.API.Token != "":
		return "bearer api.token"
	case cfg.API.AllowUnauthenticated && !isLoopback(cfg.Listen):
		return "OPEN to anyone who reaches " + cfg.Listen + " (api.allow_unauthenticated): only behind an authenticating proxy"
	}
	return "open to this machine only (loopback, no api.token), cross-site requests refused"
}

// settings lists the keys of a config section with their resolved values,
// one "key: value" line each, secrets masked.
func settings(key string, v reflect.Value, secret map[string]bool) []string {
	var out []string
	t := v.Type()
	for i := range t.NumField() {
		name, inline := yamlName(t.Field(i))
		k, f := key+"."+name, v.Field(i)
		switch {
		case inline:
			out = append(out, settings(key, f, secret)...)
		case name == "": // not a key (PublicURL and the like)
		case secret[k]:
			out = append(out, k+": "+mask(f.String()))
		case f.Kind() == reflect.Struct && f.Type() != timeType:
			out = append(out, settings(k, f, secret)...)
		default:
			out = append(out, k+": "+formatValue(f))
		}
	}
	return out
}

func formatValue(f reflect.Value) string {
	switch {
	case f.Type() == durationType:
		return time.Duration(f.Int()).String()
	case f.Kind() == reflect.Slice:
		items := make([]string, f.Len())
		for i := range items {
			items[i] = fmt.Sprint(f.Index(i).Interface())
		}
		return "[" + strings.Join(items, ", ") + "]"
	case f.Kind() == reflect.Map:
		return formatMap(f.Interface())
	case f.Kind() == reflect.String && f.String() == "":
		return `""`
	}
	if s, ok := f.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprint(f.Interface())
}

// formatMap writes a map as {a: 1, b: 2}, sorted by key.
func formatMap(m any) string {
	v := reflect.ValueOf(m)
	keys := make([]string, 0, v.Len())
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %v", k, v.MapIndex(reflect.ValueOf(k)).Interface())
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// routingLines says what each routing rule matches and sets.
func routingLines(rules []RouteConfig) []string {
	if len(rules) == 0 {
		return []string{"routing: no rules"}
	}
	out := []string{fmt.Sprintf("routing: %d rules", len(rules))}
	for i, r := range rules {
		var sets []string
		for _, kv := range [][2]string{{"severity", r.Severity}, {"channel_name", r.ChannelName}, {"runbook", r.Runbook},
			{"policy", r.Policy}, {"invite", strings.Join(r.Invite, ", ")}, {"broadcast", r.Broadcast}} {
			if kv[1] != "" {
				sets = append(sets, kv[0]+" "+kv[1])
			}
		}
		if len(r.Graphs) > 0 {
			sets = append(sets, fmt.Sprintf("%d graphs", len(r.Graphs)))
		}
		out = append(out, fmt.Sprintf("  routing[%d]: match %s -> %s", i, formatMap(r.Match), or(strings.Join(sets, "; "), "nothing")))
	}
	return out
}

// pagingLines says which schedules and policies exist and where pages go.
func pagingLines(p PagingConfig) []string {
	names := func(m any) string {
		v := reflect.ValueOf(m)
		var out []string
		for _, k := range v.MapKeys() {
			out = append(out, k.String())
		}
		sort.Strings(out)
		return or(strings.Join(out, ", "), "none")
	}
	out := []string{
		"paging.schedules: " + names(p.Schedules),
		"paging.policies: " + names(p.Policies) + ", default_policy " + or(p.DefaultPolicy, "none"),
		"paging.pagerduty.routing_key: " + mask(p.PagerDuty.RoutingKey),
		"paging.webhook.url: " + or(p.Webhook.URL, "(not set)"),
	}
	if p.PagerDuty.RoutingKey != "" {
		out = append(out, "paging.pagerduty.url: "+or(p.PagerDuty.URL, "(default https://events.pagerduty.com)"))
	}
	return out
}
