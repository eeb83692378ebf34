package main

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/incident/oncall"
	"github.com/warroom/warroom/integrations/pagehook"
	"github.com/warroom/warroom/integrations/pagerduty"
)

// PagingConfig is paging: schedules, escalation policies and where pages
// go. The schedules and the destinations are their packages' own types.
type PagingConfig struct {
	Schedules     map[string]oncall.Schedule `yaml:"schedules"`
	Policies      map[string]PolicyConfig    `yaml:"policies"`
	DefaultPolicy string                     `yaml:"default_policy"`
	PagerDuty     pagerduty.Config           `yaml:"pagerduty"`
	Webhook       pagehook.Config            `yaml:"webhook"`
}

// PolicyConfig is an escalation policy.
type PolicyConfig struct {
	Repeat int                `yaml:"repeat"`
	Steps  []PolicyStepConfig `yaml:"steps"`
}

// PolicyStepConfig pages its targets ("@user" or "schedule:name") and waits.
type PolicyStepConfig struct {
	Notify []string `yaml:"notify"`
	Wait   Duration `yaml:"wait"`
}

// schedules builds and validates the on-call schedules.
func (p PagingConfig) schedules() (onCall, error) {
	out := onCall{}
	for name, s := range p.Schedules {
		s.Name = name
		s.Layers = slices.Clone(s.Layers)
		for i := range s.Layers {
			s.Layers[i].Rotation.Name = s.Layers[i].Name
		}
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("paging.schedules.%s: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
}

// policies builds the escalation policies, checking their targets.
func (p PagingConfig) policies(sched onCall) (map[string]escalation.Policy, error) {
	out := map[string]escalation.Policy{}
	for name, pc := range p.Policies {
		pol := escalation.Policy{Name: name, Repeat: pc.Repeat}
		if len(pc.Steps) == 0 {
			return nil, fmt.Errorf("paging.policies.%s: no steps", name)
		}
		for i, st := range pc.Steps {
			step := escalation.PolicyStep{Wait: time.Duration(st.Wait)}
			if step.Wait <= 0 {
				return nil, fmt.Errorf("paging.policies.%s.steps[%d].wait: give how long to wait before the next step, e.g. 5m", name, i)
			}
			for _, n := range st.Notify {
				t, err := parseTarget(n)
				if err != nil {
					return nil, fmt.Errorf("paging.policies.%s.steps[%d]: %w", name, i, err)
				}
				if _, ok := sched[t.Schedule]; t.Schedule != "" && !ok {
					return nil, fmt.Errorf("paging.policies.%s.steps[%d]: no schedule %q in paging.schedules", name, i, t.Schedule)
				}
				step.Targets = append(step.Targets, t)
			}
			pol.Steps = append(pol.Steps, step)
		}
		out[name] = pol
	}
	if p.DefaultPolicy != "" {
		if _, ok := out[p.DefaultPolicy]; !ok {
			return nil, fmt.Errorf("paging.default_policy: no policy %q in paging.policies", p.DefaultPolicy)
		}
	}
	return out, nil
}

func parseTarget(s string) (escalation.Target, error) {
	switch {
	case strings.HasPrefix(s, "schedule:"):
		return escalation.Target{Schedule: strings.TrimPrefix(s, "schedule:")}, nil
	case strings.HasPrefix(s, "@") && len(s) > 1:
		return escalation.Target{User: s[1:]}, nil
	}
	return escalation.Target{}, fmt.Errorf("notify %q: write @user or schedule:name", s)
}

// onCall answers who is on call, for the escalation and the oncall command.
type onCall map[string]oncall.Schedule

func (o onCall) OnCall(name string, at time.Time) (string, bool) {
	s, ok := o[name]
	if !ok {
		return "", false
	}
	sh, ok := s.OnCall(at)
	return sh.User, ok
}

// Describe is "who is on call now and next" for every schedule.
func (o onCall) Describe(at time.Time) string {
	names := make([]string, 0, len(o))
	for n := range o {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		s := o[n]
		now, ok := s.OnCall(at)
		fmt.Fprintf(&b, "%s: ", n)
		if ok {
			fmt.Fprintf(&b, "@%s until %s", now.User, now.End.UTC().Format("Mon 2006-01-02 15:04 MST"))
		} else {
			b.WriteString("nobody")
		}
		if next, ok := s.Next(at); ok {
			fmt.Fprintf(&b, "; next @%s from %s", next.User, next.Start.UTC().Format("Mon 2006-01-02 15:04 MST"))
		}
		b.WriteString("\n")
	}
	if len(names) == 0 {
		b.WriteString("no schedules: add them under paging.schedules\n")
	}
	return b.String()
}

// escalation builds the escalation from config. part and board are what
// the Service is given: nil when no policy is configured (paging is off,
// and /incident oncall says so); esc always exists, for its job handlers.
func (m *Main) escalation(store incident.Store, dm incident.DirectMessenger) (esc *escalation.Escalation, part incident.Escalation, board incident.OnCallBoard, err error) {
	pc := m.cfg.Paging
	sched, err := pc.schedules()
	if err != nil {
		return nil, nil, nil, err
	}
	policies, err := pc.policies(sched)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(policies) == 0 {
		return escalation.New(escalation.Config{Store: store}), nil, nil, nil
	}
	// Where each page goes, one job per destination: PagerDuty, the page
	// webhook, and a direct message in the chat backend.
	cfg := escalation.Config{Policies: policies, Default: pc.DefaultPolicy, OnCall: sched, Store: store}
	if pc.PagerDuty.RoutingKey != "" {
		pd, err := pagerduty.New(pc.PagerDuty, nil)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("paging.pagerduty: %w", err)
		}
		pdPager := pagerduty.NewPager(pd)
		cfg.Destinations, cfg.Service = append(cfg.Destinations, pdPager), pdPager
	}
	if pc.Webhook.URL != "" {
		cfg.Destinations = append(cfg.Destinations,
			pagehook.New(pc.Webhook, &http.Client{Timeout: 15 * time.Second}))
	}
	cfg.Destinations = append(cfg.Destinations, escalation.DirectMessage{Chat: dm})
	esc = escalation.New(cfg)
	return esc, esc, sched, nil
}
