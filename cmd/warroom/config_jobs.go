package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
)

// check records the problems of the jobs keys. The kinds and backends it
// accepts are the ones the incident package registers (incident.JobKinds),
// so a new kind is accepted as soon as it exists.
func (c JobsConfig) check(probs *problems) {
	if c.Workers < 1 || c.Workers > 256 {
		probs.bad("jobs.workers", "%d; use 1 to 256", c.Workers)
	}
	if c.MaxAttempts < 1 {
		probs.bad("jobs.max_attempts", "%d; use at least 1", c.MaxAttempts)
	}
	if c.BaseDelay <= 0 || c.MaxDelay < c.BaseDelay {
		probs.bad("jobs.base_delay", "%s with max_delay %s; need 0 < base_delay <= max_delay", time.Duration(c.BaseDelay), time.Duration(c.MaxDelay))
	}
	if time.Duration(c.MaxAge) < time.Minute {
		probs.bad("jobs.max_age", "%s; use 1m or more (24h rides out a long outage)", time.Duration(c.MaxAge))
	}
	if time.Duration(c.Retention) < time.Hour {
		probs.bad("jobs.retention", "%s; use 1h or more (the default keeps done jobs 7 days)", time.Duration(c.Retention))
	}
	if time.Duration(c.Lease) < time.Second {
		probs.bad("jobs.lease", "%s; use 1s or more (the default 1m; a dead replica's running jobs are taken up again once it lapses)", time.Duration(c.Lease))
	}
	if c.BurstWorkers < 1 || c.BurstWorkers > c.Workers {
		probs.bad("jobs.burst_workers", "%d; use 1 to jobs.workers (%d, which lets every worker run during an alert burst)", c.BurstWorkers, c.Workers)
	}
	if d := time.Duration(c.BurstHold); d < time.Second || d > 5*time.Minute {
		probs.bad("jobs.burst_hold", "%s; use 1s to 5m (the default 10s: how long an alert burst may hold back channels and pages)", d)
	}
	backends := incident.JobBackends()
	for b, n := range c.Limits {
		if !oneOf(b, backends...) {
			probs.bad("jobs.limits."+b, "unknown backend; backends are %s", strings.Join(backends, ", "))
		} else if n < 1 {
			probs.bad("jobs.limits."+b, "%d; use at least 1", n)
		}
	}
	kinds := jobKindNames()
	for i, k := range c.Paused {
		if !oneOf(k, kinds...) {
			probs.bad(fmt.Sprintf("jobs.paused[%d]", i), "unknown job kind %q; kinds are %s", k, strings.Join(kinds, ", "))
		}
	}
}

// runnerConfig is the job runner's config from the jobs keys; inflow
// counts the inbound alert requests it yields to.
func (c JobsConfig) runnerConfig(inflow *incident.Inflow) incident.RunnerConfig {
	paused := make([]incident.JobKind, len(c.Paused))
	for i, k := range c.Paused {
		paused[i] = incident.JobKind(k)
	}
	return incident.RunnerConfig{Workers: c.Workers, MaxAttempts: c.MaxAttempts, MaxAge: time.Duration(c.MaxAge),
		BaseDelay: time.Duration(c.BaseDelay), MaxDelay: time.Duration(c.MaxDelay), Retention: time.Duration(c.Retention),
		Limits: c.Limits, Paused: paused, Lease: time.Duration(c.Lease),
		Inflow: inflow, BurstWorkers: c.BurstWorkers, BurstHold: time.Duration(c.BurstHold)}
}

func jobKindNames() []string {
	kinds := incident.JobKinds()
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}
