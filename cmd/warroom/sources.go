package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/grafana"
	"github.com/warroom/warroom/integrations/icinga2"
	"github.com/warroom/warroom/integrations/prometheus"
	"github.com/warroom/warroom/integrations/runbooks"
	"github.com/warroom/warroom/web"
)

// sources is the alert sources' part of the wiring.
type sources struct {
	hooks     []web.Hook
	icinga    *icinga2.Client
	upstreams map[string]incident.Upstream
	silences  incident.Silences  // nil without sources.alertmanager.url
	downtimes incident.Downtimes // nil without sources.icinga2.url
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
	if cfg.Alertmanager.URL != "" {
		am, err := alertmanager.NewSilences(cfg.Alertmanager, nil)
		if err != nil {
			return sources{}, err
		}
		out.silences = am
	}
	if ic := cfg.Icinga2; ic.URL != "" {
		c, err := icinga2.New(ic, m.log.With("source", "icinga2"))
		if err != nil {
			return sources{}, err
		}
		out.icinga, out.upstreams[icinga2.Source], out.downtimes = c, c, c
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
	if c := m.cfg.Prometheus; c.URL != "" {
		loc, err := time.LoadLocation(c.TimeZone)
		if err != nil {
			return out, fmt.Errorf("prometheus.time_zone %q: %w", c.TimeZone, err)
		}
		out.graphs = prometheus.NewGrapher(prometheus.New(c.URL, &http.Client{Timeout: 30 * time.Second}),
			prometheus.GrapherOptions{Location: loc, Before: time.Duration(c.Before), After: time.Duration(c.After), Clock: clock})
	}
	return out, nil
}

// icingaHook mounts POST /hooks/icinga2 when the source is configured (the
// hook itself refuses every request while sources.icinga2.token is unset).
func icingaHook(cfg Icinga2Config, svc icinga2.Incidents) []web.Callback {
	if cfg.URL == "" && cfg.Token == "" {
		return nil
	}
	h := icinga2.Hook{Token: cfg.Token, LinkBase: cfg.URL}
	return []web.Callback{{Path: icinga2.HookPath, Source: icinga2.Source, Handle: h.Handle(svc)}}
}
