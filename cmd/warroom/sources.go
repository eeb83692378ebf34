package main

import (
	"log/slog"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/grafana"
	"github.com/warroom/warroom/integrations/icinga2"
	"github.com/warroom/warroom/integrations/runbooks"
	"github.com/warroom/warroom/web"
)

// sources is the alert sources' part of the wiring.
type sources struct {
	hooks     []web.Hook
	icinga    *icinga2.Client
	upstreams map[string]incident.Upstream
}

// sourceWiring builds the webhooks and the Icinga 2 client from sources.*.
func (m *Main) sourceWiring() (sources, error) {
	cfg := m.cfg.Sources
	gf := web.Hook{Path: "/hooks/grafana", Source: grafana.Source, Token: cfg.Grafana.Token, Decode: grafana.Decode,
		Key: "sources.grafana.secret"}
	if cfg.Grafana.Secret != "" {
		gf.Verify = grafana.Verifier{Secret: cfg.Grafana.Secret, Header: cfg.Grafana.Header, TimestampHeader: cfg.Grafana.TimestampHeader}.Verify
	}
	out := sources{upstreams: map[string]incident.Upstream{}, hooks: []web.Hook{
		{Path: "/hooks/alertmanager", Source: alertmanager.Source, Token: cfg.Alertmanager.Token, Decode: alertmanager.Decode,
			Key: "sources.alertmanager.token"},
		gf,
	}}
	if g := cfg.Generic; g.Enabled() {
		dec, err := generic.New(g.Mapping, nil)
		if err != nil {
			return sources{}, err
		}
		out.hooks = append(out.hooks, web.Hook{Path: "/hooks/generic", Source: generic.Source, Token: g.Token, Decode: dec.Decode,
			Key: "sources.generic.token"})
	}
	if ic := cfg.Icinga2; ic.URL != "" {
		c, err := icinga2.New(ic, m.log.With("source", "icinga2"))
		if err != nil {
			return sources{}, err
		}
		out.icinga, out.upstreams[icinga2.Source] = c, c
	}
	return out, nil
}

// contextWiring is what puts context in a channel: runbooks, routing, graphs.
type contextWiring struct {
	runbooks incident.Runbooks
	router   incident.Router
	graphs   incident.Graphs
}

func (m *Main) contextWiring(clock incident.Clock) (contextWiring, error) {
	var out contextWiring
	if dir := m.cfg.Runbooks.Dir; dir != "" {
		books, err := runbooks.Load(dir)
		if err != nil {
			return out, err
		}
		out.runbooks = books
	}
	router, err := m.cfg.router()
	if err != nil {
		return out, err
	}
	out.router = router
	if m.cfg.Prometheus.URL != "" {
		g, err := newGrapher(m.cfg.Prometheus, clock)
		if err != nil {
			return out, err
		}
		out.graphs = g
	}
	return out, nil
}

// icingaHook mounts POST /hooks/icinga2 when the source is configured.
func icingaHook(c *icinga2.Client, cfg Icinga2Config, svc *incident.Service) []web.Callback {
	if c == nil && cfg.Token == "" {
		return nil
	}
	if c == nil {
		c, _ = icinga2.New(icinga2.Config{URL: "http://unused", User: "hook-only"}, slog.New(slog.DiscardHandler))
	}
	return []web.Callback{{Path: icinga2.HookPath, Source: "icinga2", Handle: c.HandleNotification(svc, cfg.Token)}}
}
