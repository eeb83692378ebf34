package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// secretRef is one secret key of the config, by its dotted name.
type secretRef struct {
	key   string
	value string
}

// secrets lists every secret key of the config: one list, used by the
// sample-value check and by check-config's summary.
func (c Config) secrets() []secretRef {
	mm, rc, j, s := c.Chat.Mattermost, c.Chat.RocketChat, c.Tickets.Jira, c.Sources
	return []secretRef{
		{"api.token", c.API.Token},
		{"chat.mattermost.token", mm.Token},
		{"chat.mattermost.command_token", mm.CommandToken},
		{"chat.mattermost.action_secret", mm.ActionSecret},
		{"chat.rocketchat.token", rc.Token},
		{"chat.rocketchat.webhook_token", rc.WebhookToken},
		{"tickets.jira.token", j.Token},
		{"tickets.jira.webhook_secret", j.WebhookSecret},
		{"tickets.jira.webhook_token", j.WebhookToken},
		{"sources.alertmanager.token", s.Alertmanager.Token},
		{"sources.alertmanager.api_token", s.Alertmanager.APIToken},
		{"sources.alertmanager.api_password", s.Alertmanager.APIPassword},
		{"sources.grafana.secret", s.Grafana.Secret},
		{"sources.grafana.token", s.Grafana.Token},
		{"sources.icinga2.password", s.Icinga2.Password},
		{"sources.icinga2.token", s.Icinga2.Token},
		{"sources.generic.token", s.Generic.Token},
		{"paging.pagerduty.routing_key", c.Paging.PagerDuty.RoutingKey},
		{"paging.webhook.token", c.Paging.Webhook.Token},
	}
}

// sampleSecrets are values that earlier samples and the docs shipped: a
// config that still holds one was copied, not configured. Every value that
// starts with "change-me" counts too.
var sampleSecrets = []string{"secret", "password", "token"}

func isSampleSecret(v string) bool {
	low := strings.ToLower(strings.TrimSpace(v))
	if strings.HasPrefix(low, "change-me") || strings.HasPrefix(low, "changeme") {
		return true
	}
	for _, s := range sampleSecrets {
		if low == s {
			return true
		}
	}
	return false
}

// checkSecrets is the fail-closed part of check: no secret may be a
// sample value, and a listener beyond loopback needs api.token unless the
// config says explicitly that it may go without. (The chat backends'
// inbound tokens are required by their own Validate.)
func (c Config) checkSecrets(probs *problems) {
	for _, s := range c.secrets() {
		if isSampleSecret(s.value) {
			probs.bad(s.key, "%q is a sample value, not a secret; make one with `warroom secret` and set it in the config or in %s",
				s.value, envName(s.key))
		}
	}
	if c.API.Token == "" && !c.API.AllowUnauthenticated && !isLoopback(c.Listen) {
		probs.bad("api.token", "empty while listen %q is reachable beyond this machine: anyone who reaches it could close incidents "+
			"and post into chat. Set api.token (make one with `warroom secret`), listen on 127.0.0.1, or, behind a proxy that "+
			"authenticates, set api.allow_unauthenticated: true", c.Listen)
	}
}

// envName is the environment variable of a dotted key.
func envName(key string) string {
	return "WARROOM_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// isLoopback reports whether the listen address only takes connections
// from this machine: localhost or a loopback IP, never "" or 0.0.0.0.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newSecret returns a random token of 32 bytes, URL-safe base64.
func newSecret(random io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// printSecret is `warroom secret`.
func printSecret(stdout, stderr io.Writer) int {
	s, err := newSecret(rand.Reader)
	if err != nil {
		fmt.Fprintf(stderr, "warroom secret: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, s)
	return 0
}

// knownHosts are the host names a loopback listener answers to (against
// DNS rebinding): localhost, the listen host and public_url's host. Beyond
// loopback it is nil: any name may reach warroom there.
func knownHosts(listen, publicURL string) []string {
	if !isLoopback(listen) {
		return nil
	}
	host, _, _ := net.SplitHostPort(listen)
	hosts := []string{"localhost", host}
	if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
		hosts = append(hosts, u.Hostname())
	}
	return hosts
}
