package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/escalation"
	"github.com/warroom/warroom/incident/oncall"
	"github.com/warroom/warroom/integrations/pagerduty"
)

// PagingConfig is paging: schedules, escalation policies and where pages go.
type PagingConfig struct {
	Schedules     map[string]ScheduleConfig `yaml:"schedules"`
	Policies      map[string]PolicyConfig   `yaml:"policies"`
	DefaultPolicy string                    `yaml:"default_policy"`
	PagerDuty     PagerDutyConfig           `yaml:"pagerduty"`
	Webhook       PageWebhookConfig         `yaml:"webhook"`
}

// ScheduleConfig is one on-call schedule.
type ScheduleConfig struct {
	Layers    []LayerConfig    `yaml:"layers"`
	Overrides []OverrideConfig `yaml:"overrides"`
}

// LayerConfig is one layer of a schedule.
type LayerConfig struct {
	Name     string         `yaml:"name"`
	Rotation RotationConfig `yaml:"rotation"`
	Restrict *WindowConfig  `yaml:"restrict"`
}

// RotationConfig is a rotation: members take turns every N units, handing
// off at a local time.
type RotationConfig struct {
	Members     []string `yaml:"members"`
	Every       int      `yaml:"every"`
	Unit        string   `yaml:"unit"`         // hours, days, weeks
	HandoffTime string   `yaml:"handoff_time"` // "09:00", local
	Start       string   `yaml:"start"`        // the first handoff's local date, "2026-11-02"
	TimeZone    string   `yaml:"time_zone"`
}

// WindowConfig restricts a layer to some weekdays and hours.
type WindowConfig struct {
	Weekdays []string `yaml:"weekdays"`
	From     string   `yaml:"from"`
	To       string   `yaml:"to"`
}

// OverrideConfig puts someone on call for a while, over every layer.
type OverrideConfig struct {
	User  string    `yaml:"user"`
	Start time.Time `yaml:"start"`
	End   time.Time `yaml:"end"`
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

// PagerDutyConfig sends pages to PagerDuty Events v2.
type PagerDutyConfig struct {
	RoutingKey string `yaml:"routing_key"`
	URL        string `yaml:"url"`
}

// PageWebhookConfig posts each page as JSON to a URL.
type PageWebhookConfig struct {
	URL   string `yaml:"url"`
	Token string `yaml:"token"`
}

// schedules builds and validates the on-call schedules.
func (p PagingConfig) schedules() (onCall, error) {
	out := onCall{}
	for name, sc := range p.Schedules {
		s := oncall.Schedule{Name: name}
		for _, l := range sc.Layers {
			r := l.Rotation
			layer := oncall.Layer{Name: l.Name, Rotation: oncall.Rotation{Name: l.Name, Members: r.Members, Every: r.Every,
				Unit: oncall.Unit(r.Unit), HandoffTime: r.HandoffTime, Start: r.Start, TimeZone: r.TimeZone}}
			if l.Restrict != nil {
				layer.Restrict = &oncall.Window{Weekdays: l.Restrict.Weekdays, From: l.Restrict.From, To: l.Restrict.To}
			}
			s.Layers = append(s.Layers, layer)
		}
		for _, o := range sc.Overrides {
			s.Overrides = append(s.Overrides, oncall.Override{User: o.User, Start: o.Start, End: o.End})
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

// pager sends pages: PagerDuty, a webhook and a direct message, whichever
// are configured. The mention in the incident's channel is the domain's own
// post, in the channel's lane.
type pager struct {
	pd      *pagerduty.Client
	webhook PageWebhookConfig
	http    *http.Client
	dm      incident.DirectMessenger
}

func (p *pager) Page(ctx context.Context, pg escalation.Page) error {
	inc := pg.Incident
	if p.pd != nil {
		err := p.pd.Trigger(ctx, pagerduty.Event{DedupKey: inc.Key, Summary: inc.Key + ": " + inc.Title, Source: "warroom",
			Severity: pdSeverity(inc.Severity), Timestamp: inc.CreatedAt, Details: map[string]string{"paged": pg.User, "why": pg.Why}})
		if err != nil {
			return err
		}
	}
	if p.webhook.URL != "" {
		if err := p.post(ctx, map[string]any{"incident": inc, "user": pg.User, "why": pg.Why, "key": pg.Key}); err != nil {
			return err
		}
	}
	if p.dm != nil {
		_, err := p.dm.DirectMessage(ctx, pg.User, incident.Post{Key: pg.Key + "/dm", Retry: true,
			Text: fmt.Sprintf("📟 You are paged for **%s**: %s (%s). Ack to stop the escalation.", inc.Key, inc.Title, pg.Why),
			Card: &incident.Card{Title: inc.Key + " " + inc.Title, TitleURL: inc.Channel.URL, Severity: inc.Severity,
				Actions: []incident.Action{{ID: "ack", Label: "Ack", Command: "ack " + inc.Key}}}})
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *pager) Acknowledge(ctx context.Context, inc *incident.Incident, actor string) error {
	if p.pd == nil {
		return nil
	}
	return p.pd.Acknowledge(ctx, inc.Key)
}

func (p *pager) Resolve(ctx context.Context, inc *incident.Incident) error {
	if p.pd == nil {
		return nil
	}
	return p.pd.Resolve(ctx, inc.Key)
}

func (p *pager) post(ctx context.Context, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.webhook.URL, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if p.webhook.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.webhook.Token)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return incident.Errorf(incident.KindTransient, "page webhook: %w", err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return incident.Errorf(incident.KindTransient, "page webhook answered %d", resp.StatusCode)
	case resp.StatusCode >= 300:
		return incident.Errorf(incident.KindPermanent, "page webhook answered %d: check paging.webhook", resp.StatusCode)
	}
	return nil
}

func pdSeverity(s incident.Severity) string {
	switch s {
	case incident.SeverityCritical:
		return pagerduty.SeverityCritical
	case incident.SeverityHigh:
		return pagerduty.SeverityError
	case incident.SeverityWarning:
		return pagerduty.SeverityWarning
	}
	return pagerduty.SeverityInfo
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
	p := &pager{webhook: pc.Webhook, http: &http.Client{Timeout: 15 * time.Second}, dm: dm}
	if pc.PagerDuty.RoutingKey != "" {
		if p.pd, err = pagerduty.New(pagerduty.Config{URL: pc.PagerDuty.URL, RoutingKey: pc.PagerDuty.RoutingKey}, nil); err != nil {
			return nil, nil, nil, fmt.Errorf("paging.pagerduty: %w", err)
		}
	}
	esc = escalation.New(escalation.Config{Policies: policies, Default: pc.DefaultPolicy, OnCall: sched, Pager: p, Store: store})
	return esc, esc, sched, nil
}
