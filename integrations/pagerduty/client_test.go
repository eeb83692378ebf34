package pagerduty_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/integrations/pagerduty/pdtest"
)

func newClient(t *testing.T, srv *pdtest.Server) *pagerduty.Client {
	t.Helper()
	c, err := pagerduty.New(pagerduty.Config{URL: srv.URL(), RoutingKey: pdtest.DefaultRoutingKey}, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func event(key string) pagerduty.Event {
	return pagerduty.Event{
		DedupKey: key,
		Summary:  "SEV2 checkout latency > 2s (#" + key + ")",
		Source:   "api-1.eu1",
		Severity: pagerduty.SeverityCritical,
	}
}

// TestLifecycle runs sequences of calls for one dedup key and checks what
// PagerDuty ends up with: one alert per open period, repeated triggers
// folded into it, follow-ups for no open alert accepted and dropped.
func TestLifecycle(t *testing.T) {
	const key = "inc-42"
	tests := []struct {
		name        string
		calls       string // t: trigger, a: acknowledge, r: resolve
		wantAlerts  int
		wantStatus  pdtest.Status // of the latest alert
		wantEvents  []string      // of the latest alert
		wantDropped int
	}{
		{"trigger", "t", 1, pdtest.StatusTriggered, []string{"trigger"}, 0},
		{"trigger twice keeps one incident", "tt", 1, pdtest.StatusTriggered, []string{"trigger", "trigger"}, 0},
		{"acknowledge", "ta", 1, pdtest.StatusAcknowledged, []string{"trigger", "acknowledge"}, 0},
		{"acknowledge twice", "taa", 1, pdtest.StatusAcknowledged, []string{"trigger", "acknowledge", "acknowledge"}, 0},
		{"trigger while acknowledged stays acknowledged", "tat", 1, pdtest.StatusAcknowledged, []string{"trigger", "acknowledge", "trigger"}, 0},
		{"resolve", "tar", 1, pdtest.StatusResolved, []string{"trigger", "acknowledge", "resolve"}, 0},
		{"resolve without acknowledge", "tr", 1, pdtest.StatusResolved, []string{"trigger", "resolve"}, 0},
		{"resolve twice drops the second", "trr", 1, pdtest.StatusResolved, []string{"trigger", "resolve"}, 1},
		{"trigger after resolve opens a new alert", "trt", 2, pdtest.StatusTriggered, []string{"trigger"}, 0},
		{"acknowledge of an unknown key is dropped", "a", 0, "", nil, 1},
		{"acknowledge after resolve is dropped", "tra", 1, pdtest.StatusResolved, []string{"trigger", "resolve"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			c := newClient(t, srv)
			ctx := context.Background()
			for i, call := range tt.calls {
				var err error
				switch call {
				case 't':
					err = c.Trigger(ctx, event(key))
				case 'a':
					err = c.Acknowledge(ctx, key)
				case 'r':
					err = c.Resolve(ctx, key)
				}
				if err != nil {
					t.Fatalf("call %d (%c): %v", i+1, call, err)
				}
			}
			if got := len(srv.Incidents()); got != tt.wantAlerts {
				t.Errorf("alerts = %d, want %d", got, tt.wantAlerts)
			}
			v, ok := srv.Incident(key)
			if ok != (tt.wantAlerts > 0) {
				t.Fatalf("Incident(%q) found = %v, want %v", key, ok, tt.wantAlerts > 0)
			}
			if v.Status != tt.wantStatus || !slices.Equal(v.Events, tt.wantEvents) {
				t.Errorf("alert = %s %v, want %s %v", v.Status, v.Events, tt.wantStatus, tt.wantEvents)
			}
			dropped := 0
			for _, r := range srv.Requests() {
				if r.Dropped {
					dropped++
				}
			}
			if dropped != tt.wantDropped {
				t.Errorf("dropped events = %d, want %d", dropped, tt.wantDropped)
			}
		})
	}
}

// TestTriggerSendsEvent checks every field of the event as PagerDuty
// receives it.
func TestTriggerSendsEvent(t *testing.T) {
	srv := pdtest.New(t)
	c := newClient(t, srv)
	ev := pagerduty.Event{
		DedupKey:  "inc-7",
		Summary:   "checkout p99 above 2s",
		Source:    "api-1.eu1",
		Severity:  " CRITICAL ",
		Timestamp: time.Date(2024, 5, 2, 12, 11, 12, 345e6, time.FixedZone("CEST", 2*3600)),
		Component: "checkout",
		Group:     "payments",
		Class:     "latency",
		Details:   map[string]string{"channel": "https://chat.example.com/acme/channels/inc-7", "p99_ms": "2310"},
		Links:     []pagerduty.Link{{Href: "https://chat.example.com/acme/channels/inc-7", Text: "War room"}},
	}
	if err := c.Trigger(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	v, ok := srv.Incident("inc-7")
	if !ok {
		t.Fatal("no alert")
	}
	checks := []struct{ field, got, want string }{
		{"routing key", v.RoutingKey, pdtest.DefaultRoutingKey},
		{"summary", v.Summary, ev.Summary},
		{"source", v.Source, ev.Source},
		{"severity", v.Severity, "critical"},
		{"timestamp", v.Timestamp, "2024-05-02T10:11:12.345Z"},
		{"component", v.Component, "checkout"},
		{"group", v.Group, "payments"},
		{"class", v.Class, "latency"},
		{"client", v.Client, "warroom"},
		{"details.channel", v.Details["channel"].(string), ev.Details["channel"]},
		{"details.p99_ms", v.Details["p99_ms"].(string), "2310"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if want := []pdtest.Link{{Href: ev.Links[0].Href, Text: "War room"}}; !slices.Equal(v.Links, want) {
		t.Errorf("links = %v, want %v", v.Links, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/v2/enqueue" || reqs[0].ContentType != "application/json" {
		t.Errorf("requests = %+v, want one POST /v2/enqueue of application/json", reqs)
	}
}

// TestFollowUpBody checks that acknowledge and resolve send only what
// PagerDuty needs.
func TestFollowUpBody(t *testing.T) {
	tests := []struct {
		name string
		call func(*pagerduty.Client, context.Context, string) error
		want string
	}{
		{"acknowledge", (*pagerduty.Client).Acknowledge,
			`{"routing_key":"R0UT1NGKEY0000000000000000000000","event_action":"acknowledge","dedup_key":"inc-42","client":"warroom"}`},
		{"resolve", (*pagerduty.Client).Resolve,
			`{"routing_key":"R0UT1NGKEY0000000000000000000000","event_action":"resolve","dedup_key":"inc-42","client":"warroom"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			if err := tt.call(newClient(t, srv), context.Background(), "inc-42"); err != nil {
				t.Fatal(err)
			}
			if got := string(srv.Requests()[0].Body); got != tt.want {
				t.Errorf("body\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	long := strings.Repeat("k", 256)
	tests := []struct {
		name string
		call func(context.Context, *pagerduty.Client) error
		want []string // substrings of the error
	}{
		{"no dedup key", trigger(func(e *pagerduty.Event) { e.DedupKey = "" }), []string{"dedup key is empty"}},
		{"long dedup key", trigger(func(e *pagerduty.Event) { e.DedupKey = long }), []string{"dedup key is 256 characters, PagerDuty takes at most 255"}},
		{"empty summary", trigger(func(e *pagerduty.Event) { e.Summary = "  " }), []string{"summary is empty"}},
		{"empty source", trigger(func(e *pagerduty.Event) { e.Source = "" }), []string{"source is empty"}},
		{"empty severity", trigger(func(e *pagerduty.Event) { e.Severity = "" }), []string{`severity "" is not one of critical, error, warning, info`}},
		{"unknown severity", trigger(func(e *pagerduty.Event) { e.Severity = "sev1" }), []string{`severity "sev1" is not one of`}},
		{"link without href", trigger(func(e *pagerduty.Event) { e.Links = []pagerduty.Link{{Text: "War room"}} }), []string{`link 1 ("War room") has no href`}},
		{"every problem at once", trigger(func(e *pagerduty.Event) { *e = pagerduty.Event{DedupKey: "inc-1", Severity: "high"} }),
			[]string{`"inc-1" is invalid`, "summary is empty", "source is empty", `severity "high"`}},
		{"over 512 KB", trigger(func(e *pagerduty.Event) { e.Details = map[string]string{"log": strings.Repeat("x", 600<<10)} }),
			[]string{"over PagerDuty's 512 KB limit"}},
		{"acknowledge without key", followUp((*pagerduty.Client).Acknowledge, ""), []string{"pagerduty acknowledge: dedup key is empty"}},
		{"acknowledge with long key", followUp((*pagerduty.Client).Acknowledge, long), []string{"dedup key is 256 characters"}},
		{"resolve without key", followUp((*pagerduty.Client).Resolve, " "), []string{"pagerduty resolve: dedup key is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			err := tt.call(context.Background(), newClient(t, srv))
			if k := incident.ErrorKind(err); k != incident.KindInvalid {
				t.Fatalf("kind = %s (err %v), want invalid", k, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

func trigger(edit func(*pagerduty.Event)) func(context.Context, *pagerduty.Client) error {
	return func(ctx context.Context, c *pagerduty.Client) error {
		ev := event("inc-42")
		edit(&ev)
		return c.Trigger(ctx, ev)
	}
}

func followUp(f func(*pagerduty.Client, context.Context, string) error, key string) func(context.Context, *pagerduty.Client) error {
	return func(ctx context.Context, c *pagerduty.Client) error { return f(c, ctx, key) }
}

func TestSummaryTruncation(t *testing.T) {
	tests := []struct {
		name    string
		summary string
		want    string
	}{
		{"short", "disk full", "disk full"},
		{"exactly 1024", strings.Repeat("a", 1024), strings.Repeat("a", 1024)},
		{"1025", strings.Repeat("a", 1025), strings.Repeat("a", 1023) + "…"},
		{"multi-byte characters count once", strings.Repeat("é", 1024), strings.Repeat("é", 1024)},
		{"multi-byte cut on a character", strings.Repeat("日本", 600), strings.Repeat("日本", 511) + "日…"},
		{"no space before the ellipsis", strings.Repeat("a", 1022) + " bcd", strings.Repeat("a", 1022) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			ev := event("inc-1")
			ev.Summary = tt.summary
			if err := newClient(t, srv).Trigger(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			v, _ := srv.Incident("inc-1")
			if v.Summary != tt.want {
				t.Errorf("summary = %.40q... (%d bytes), want %.40q... (%d bytes)", v.Summary, len(v.Summary), tt.want, len(tt.want))
			}
		})
	}
}

// TestErrorMapping checks the kind of error each of PagerDuty's answers
// gives, and that a retry after a failure opens the alert once.
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*pdtest.Server)
		key       string // routing key, default pdtest.DefaultRoutingKey
		wantKind  incident.Kind
		wantAfter time.Duration // of an *incident.RetryAfter; 0: none
		wantMsg   string
	}{
		{"400", func(s *pdtest.Server) { s.FailNext(1, 400) }, "", incident.KindPermanent, 0,
			`send the trigger event for "inc-42": PagerDuty answered 400: Event object is invalid: injected by pdtest.FailNext; fix the event`},
		{"unknown routing key", nil, strings.Repeat("Z", 32), incident.KindPermanent, 0,
			"Event object is invalid: Invalid routing key; check the routing key"},
		{"429", func(s *pdtest.Server) { s.RateLimitNext(1) }, "", incident.KindTransient, 30 * time.Second,
			"PagerDuty is throttling events for this routing key"},
		{"500", func(s *pdtest.Server) { s.FailNext(1, 500) }, "", incident.KindTransient, 0, `send the trigger event for "inc-42": PagerDuty answered 500`},
		{"502", func(s *pdtest.Server) { s.FailNext(1, 502) }, "", incident.KindTransient, 0, "PagerDuty answered 502"},
		{"503", func(s *pdtest.Server) { s.FailNext(1, 503) }, "", incident.KindTransient, 0, "PagerDuty answered 503"},
		{"network", func(s *pdtest.Server) { s.SetDown(true) }, "", incident.KindTransient, 0, `send the trigger event for "inc-42": PagerDuty is unreachable`},
		{"404", func(s *pdtest.Server) { s.FailNext(1, 404) }, "", incident.KindPermanent, 0, "is the URL right?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pdtest.New(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			key := tt.key
			if key == "" {
				key = pdtest.DefaultRoutingKey
			}
			c, err := pagerduty.New(pagerduty.Config{URL: srv.URL(), RoutingKey: key}, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Trigger(context.Background(), event("inc-42"))
			if k := incident.ErrorKind(err); k != tt.wantKind {
				t.Fatalf("kind = %s (err %v), want %s", k, err, tt.wantKind)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
			var ra *incident.RetryAfter
			if got := errors.As(err, &ra); got != (tt.wantAfter > 0) || got && ra.After != tt.wantAfter {
				t.Errorf("RetryAfter = %v, want after %s", ra, tt.wantAfter)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("error %q shows the routing key", err)
			}
			if len(srv.Incidents()) != 0 {
				t.Fatalf("failed trigger opened an alert")
			}
			if tt.wantKind != incident.KindTransient {
				return
			}
			srv.SetDown(false)
			if err := c.Trigger(context.Background(), event("inc-42")); err != nil {
				t.Fatalf("retry: %v", err)
			}
			if err := c.Trigger(context.Background(), event("inc-42")); err != nil {
				t.Fatalf("second retry: %v", err)
			}
			if n := len(srv.Incidents()); n != 1 {
				t.Errorf("alerts after retries = %d, want 1", n)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	srv := pdtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := newClient(t, srv).Resolve(ctx, "inc-42")
	if !errors.Is(err, context.Canceled) || incident.ErrorKind(err) != incident.KindTransient {
		t.Errorf("err = %v (kind %s), want a transient error wrapping context.Canceled", err, incident.ErrorKind(err))
	}
}
