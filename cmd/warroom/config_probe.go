package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// probeTimeout bounds each peer's probe.
const probeTimeout = 10 * time.Second

// peer is one outside system the config names, and how to ask it whether
// it is there (and, where a harmless request can tell, whether it takes
// warroom's credentials).
type peer struct {
	name  string      // the config section, e.g. chat.mattermost
	key   string      // the key that says where it is, e.g. chat.mattermost.url
	url   string      // what the probe requests
	head  bool        // HEAD instead of GET: a webhook must not be sent anything
	auth  string      // the keys of the credentials the request carries; "" when none can be checked harmlessly
	hdr   http.Header // the credentials
	trust *tls.Config // for a peer with its own CA
}

// peers lists the configured outside systems.
func (c Config) peers() []peer {
	var out []peer
	trim := func(u string) string { return strings.TrimRight(u, "/") }
	switch c.Chat.Backend {
	case "mattermost":
		mm := c.Chat.Mattermost
		out = append(out, peer{name: "chat.mattermost", key: "chat.mattermost.url", url: trim(mm.URL) + "/api/v4/users/me",
			auth: "chat.mattermost.token", hdr: http.Header{"Authorization": {"Bearer " + mm.Token}}})
	case "rocketchat":
		rc := c.Chat.RocketChat
		out = append(out, peer{name: "chat.rocketchat", key: "chat.rocketchat.url", url: trim(rc.URL) + "/api/v1/me",
			auth: "chat.rocketchat.user_id and .token", hdr: http.Header{"X-User-Id": {rc.UserID}, "X-Auth-Token": {rc.Token}}})
	}
	if c.Tickets.Backend == "jira" {
		j := c.Tickets.Jira
		p := peer{name: "tickets.jira", key: "tickets.jira.url", url: trim(j.URL) + "/rest/api/2/myself",
			auth: "tickets.jira.token", hdr: http.Header{"Authorization": {"Bearer " + j.Token}}}
		if j.User != "" {
			req, _ := http.NewRequest("GET", "/", nil)
			req.SetBasicAuth(j.User, j.Token)
			p.auth, p.hdr = "tickets.jira.user and .token", req.Header
		}
		out = append(out, p)
	}
	if ic := c.Sources.Icinga2; ic.URL != "" {
		req, _ := http.NewRequest("GET", "/", nil)
		req.SetBasicAuth(ic.User, ic.Password)
		p := peer{name: "sources.icinga2", key: "sources.icinga2.url", url: trim(ic.URL) + "/v1",
			auth: "sources.icinga2.user and .password", hdr: req.Header,
			trust: &tls.Config{MinVersion: tls.VersionTLS12, ServerName: ic.ServerName}}
		if pem, err := os.ReadFile(ic.CAFile); ic.CAFile != "" && err == nil {
			p.trust.RootCAs = x509.NewCertPool()
			p.trust.RootCAs.AppendCertsFromPEM(pem)
		}
		out = append(out, p)
	}
	if c.Prometheus.URL != "" {
		out = append(out, peer{name: "prometheus", key: "prometheus.url", url: trim(c.Prometheus.URL) + "/-/healthy"})
	}
	if pd := c.Paging.PagerDuty; pd.RoutingKey != "" {
		out = append(out, peer{name: "paging.pagerduty", key: "paging.pagerduty.url", url: or(trim(pd.URL), "https://events.pagerduty.com")})
	}
	if wh := c.Paging.Webhook; wh.URL != "" {
		out = append(out, peer{name: "paging.webhook", key: "paging.webhook.url", url: wh.URL, head: true})
	}
	return out
}

// probePeers tries each configured peer and prints one line for each:
// reached, or not and what to do. It returns 1 when any was not reached
// or refused warroom's credentials.
func probePeers(ctx context.Context, cfg Config, stdout io.Writer) int {
	peers := cfg.peers()
	if len(peers) == 0 {
		fmt.Fprintln(stdout, "probe: no outside peer is configured (builtin chat and tickets need none)")
		return 0
	}
	failed := 0
	for _, p := range peers {
		line, ok := p.probe(ctx)
		fmt.Fprintf(stdout, "probe %s: %s\n", p.name, line)
		if !ok {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "probe: %d of %d peers not usable; fix what the lines above say, then run check-config -probe again\n", failed, len(peers))
		return 1
	}
	fmt.Fprintf(stdout, "probe: all %d peers reached\n", len(peers))
	return 0
}

// probe makes the peer's request and says what its answer means.
func (p peer) probe(ctx context.Context) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	method := http.MethodGet
	if p.head {
		method = http.MethodHead
	}
	req, err := http.NewRequestWithContext(ctx, method, p.url, nil)
	if err != nil {
		return fmt.Sprintf("not reached: %v; check %s", err, p.key), false
	}
	for k, v := range p.hdr {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p.trust != nil {
		client.Transport = &http.Transport{TLSClientConfig: p.trust}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Sprintf("not reached (%s %s: %v); check %s and that this machine can reach it (DNS, firewall, proxy)",
			method, p.url, unwrapURLError(err), p.key), false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code := resp.StatusCode
	switch {
	case p.auth == "" && code < 500:
		return fmt.Sprintf("reached %s (HTTP %d)", p.url, code), true
	case code >= 200 && code < 300:
		return fmt.Sprintf("reached %s, credentials accepted (HTTP %d)", p.url, code), true
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return fmt.Sprintf("reached, but %s refused the credentials (HTTP %d); check %s", p.url, code, p.auth), false
	case code == http.StatusNotFound || (code >= 300 && code < 400):
		return fmt.Sprintf("reached, but %s answered HTTP %d; is %s the server's base URL?", p.url, code, p.key), false
	}
	return fmt.Sprintf("reached, but %s answered HTTP %d; the server is up but not well: look at its log", p.url, code), false
}

// unwrapURLError drops the *url.Error's repetition of method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
