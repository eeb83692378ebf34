package amtest

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/prometheus/promtest"
)

// message is Alertmanager's webhook body (version 4), as far as the tests read it.
type message struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   *uint64           `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []struct {
		Status       string            `json:"status"`
		Labels       map[string]string `json:"labels"`
		Annotations  map[string]string `json:"annotations"`
		StartsAt     time.Time         `json:"startsAt"`
		EndsAt       time.Time         `json:"endsAt"`
		GeneratorURL string            `json:"generatorURL"`
		Fingerprint  string            `json:"fingerprint"`
	} `json:"alerts"`
}

// delivery is one webhook request the hook received.
type delivery struct {
	At     time.Time
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Msg    message
	Err    error // decoding Body
}

// hook stands in for warroom's Alertmanager endpoint: it records every
// request and answers 200.
type hook struct {
	*httptest.Server
	mu   sync.Mutex
	got  []delivery
	more chan struct{} // signalled after each request
}

func newHook(t *testing.T) *hook {
	h := &hook{more: make(chan struct{}, 1)}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		d := delivery{At: time.Now(), Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: b}
		d.Err = json.Unmarshal(b, &d.Msg)
		h.mu.Lock()
		h.got = append(h.got, d)
		h.mu.Unlock()
		select {
		case h.more <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(h.Close) // registered before Start, so it closes after Alertmanager stops
	return h
}

// waitFor returns the first delivery (from index from on) that match
// accepts, failing the test after limit. It also returns the delivery's index.
func (h *hook) waitFor(t *testing.T, am *Server, from int, limit time.Duration, what string, match func(message) bool) (delivery, int) {
	t.Helper()
	deadline := time.After(limit)
	for {
		h.mu.Lock()
		for i := from; i < len(h.got); i++ {
			if h.got[i].Err == nil && match(h.got[i].Msg) {
				d := h.got[i]
				h.mu.Unlock()
				return d, i
			}
		}
		n := len(h.got)
		h.mu.Unlock()
		select {
		case <-h.more:
		case <-deadline:
			t.Fatalf("no %s webhook within %v (%d requests received); alertmanager log:\n%s", what, limit, n, am.Logs(30))
		}
	}
}

func TestWebhookFiringAndResolved(t *testing.T) {
	t.Parallel()
	const token = "amtest-s3cret"
	var pid int
	t.Run("server", func(t *testing.T) {
		h := newHook(t)
		am := Start(t, Options{WebhookURL: h.URL + "/hooks/alertmanager", BearerToken: token})
		pid = am.proc.PID()
		if !strings.HasPrefix(am.URL, "http://127.0.0.1:") || am.Version == "" {
			t.Errorf("URL %q, Version %q", am.URL, am.Version)
		}

		labels := map[string]string{"alertname": "AmtestHighLatency", "severity": "critical", "team": "payments", "instance": "api-1:9090"}
		annotations := map[string]string{"summary": "p99 latency above 2s", "runbook_url": "https://runbooks.example/latency"}
		gen := "http://prometheus.example:9090/graph?g0.expr=histogram_quantile%280.99%2C+x%29+%3E+2&g0.tab=1"
		posted := time.Now()
		am.PostAlert(t, labels, annotations, gen)

		fired, i := h.waitFor(t, am, 0, 15*time.Second, "firing", func(m message) bool { return m.Status == "firing" })
		t.Logf("firing webhook %v after the post; headers %v; body:\n%s", fired.At.Sub(posted).Round(time.Millisecond), fired.Header, fired.Body)
		checkDelivery(t, am, fired, token)
		wantKey := `{}:{alertname="AmtestHighLatency"}`
		m := fired.Msg
		if m.Version != "4" || m.GroupKey != wantKey || m.Receiver != ReceiverName || m.ExternalURL != am.URL ||
			m.TruncatedAlerts == nil || *m.TruncatedAlerts != 0 {
			t.Errorf("firing: version %q groupKey %q receiver %q externalURL %q truncatedAlerts %v; want 4, %s, %s, %s, 0",
				m.Version, m.GroupKey, m.Receiver, m.ExternalURL, m.TruncatedAlerts, wantKey, ReceiverName, am.URL)
		}
		if !maps.Equal(m.GroupLabels, map[string]string{"alertname": "AmtestHighLatency"}) || !maps.Equal(m.CommonLabels, labels) ||
			!maps.Equal(m.CommonAnnotations, annotations) {
			t.Errorf("firing: groupLabels %v commonLabels %v commonAnnotations %v", m.GroupLabels, m.CommonLabels, m.CommonAnnotations)
		}
		if len(m.Alerts) != 1 {
			t.Fatalf("firing: %d alerts, want 1", len(m.Alerts))
		}
		a := m.Alerts[0]
		if a.Status != "firing" || !maps.Equal(a.Labels, labels) || !maps.Equal(a.Annotations, annotations) ||
			a.GeneratorURL != gen || a.Fingerprint == "" || a.StartsAt.IsZero() || !a.EndsAt.IsZero() {
			t.Errorf("firing alert %+v", a)
		}

		resolved := time.Now()
		am.ResolveAlert(t, labels)
		res, _ := h.waitFor(t, am, i+1, 15*time.Second, "resolved", func(m message) bool { return m.Status == "resolved" })
		t.Logf("resolved webhook %v after the resolve; body:\n%s", res.At.Sub(resolved).Round(time.Millisecond), res.Body)
		checkDelivery(t, am, res, token)
		r := res.Msg
		if r.Version != "4" || r.GroupKey != wantKey || len(r.Alerts) != 1 {
			t.Fatalf("resolved: version %q groupKey %q, %d alerts; want 4, %s, 1", r.Version, r.GroupKey, len(r.Alerts), wantKey)
		}
		ra := r.Alerts[0]
		if ra.Status != "resolved" || ra.Fingerprint != a.Fingerprint || !maps.Equal(ra.Annotations, annotations) ||
			ra.GeneratorURL != gen || !ra.StartsAt.Equal(a.StartsAt) || ra.EndsAt.Before(resolved.Add(-time.Second)) {
			t.Errorf("resolved alert %+v; firing one was %+v", ra, a)
		}

		h.mu.Lock()
		n := len(h.got)
		h.mu.Unlock()
		if n != 2 {
			t.Errorf("%d webhook requests, want 2 (firing, resolved)", n)
		}
	})
	if pid == 0 {
		return // skipped
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("alertmanager (pid %d) still exists after the test: kill -0 = %v", pid, err)
	}
}

// checkDelivery checks what every webhook request carries.
func checkDelivery(t *testing.T, am *Server, d delivery, token string) {
	t.Helper()
	if d.Err != nil {
		t.Errorf("webhook body is not JSON: %v", d.Err)
	}
	if d.Method != http.MethodPost || d.Path != "/hooks/alertmanager" {
		t.Errorf("webhook request %s %s, want POST /hooks/alertmanager", d.Method, d.Path)
	}
	if got := d.Header.Get("Authorization"); got != "Bearer "+token {
		t.Errorf("Authorization %q, want %q", got, "Bearer "+token)
	}
	if got := d.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	if got := d.Header.Get("User-Agent"); got != "Alertmanager/"+am.Version {
		t.Errorf("User-Agent %q, want Alertmanager/%s", got, am.Version)
	}
}

func TestPrometheusRuleToWebhook(t *testing.T) {
	t.Parallel()
	const expr = "vector(1) > 0"
	h := newHook(t)
	am := Start(t, Options{WebhookURL: h.URL + "/hooks/alertmanager", BearerToken: "rule-token"})

	rules := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(rules, []byte(`groups:
  - name: amtest
    rules:
      - alert: AmtestAlwaysFiring
        expr: `+expr+`
        for: 0s
        labels:
          severity: critical
        annotations:
          summary: "always firing, from a real Prometheus rule"
          runbook_url: "https://runbooks.example/always-firing"
          warroom_graph: "prometheus_http_requests_total"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	prom := promtest.StartWith(t, promtest.Options{RuleFiles: []string{rules}, AlertmanagerURL: am.URL})
	promUp := time.Now()

	d, _ := h.waitFor(t, am, 0, 30*time.Second, "AmtestAlwaysFiring", func(m message) bool {
		return m.Status == "firing" && m.CommonLabels["alertname"] == "AmtestAlwaysFiring"
	})
	m := d.Msg
	if m.Version != "4" || m.GroupKey != `{}:{alertname="AmtestAlwaysFiring"}` || len(m.Alerts) != 1 {
		t.Fatalf("version %q groupKey %q, %d alerts; body:\n%s", m.Version, m.GroupKey, len(m.Alerts), d.Body)
	}
	a := m.Alerts[0]
	// The rule fires (startsAt) at its first evaluation; Prometheus 2.42 sends
	// nothing until its notifier has discovered the Alertmanager, about 5 s
	// after it starts, and Alertmanager then waits GroupWait.
	t.Logf("rule webhook %v after starting Prometheus, %v after the rule fired (startsAt); promtest.StartWith returned after %v; headers %v; body:\n%s",
		d.At.Sub(begin).Round(time.Millisecond), d.At.Sub(a.StartsAt).Round(time.Millisecond),
		promUp.Sub(begin).Round(time.Millisecond), d.Header, d.Body)
	checkDelivery(t, am, d, "rule-token")
	if a.Labels["severity"] != "critical" || a.Status != "firing" || a.Fingerprint == "" {
		t.Errorf("alert %+v", a)
	}
	for _, k := range []string{"summary", "runbook_url", "warroom_graph"} {
		if a.Annotations[k] == "" {
			t.Errorf("annotation %s missing: %v", k, a.Annotations)
		}
	}
	if a.Annotations["warroom_graph"] != "prometheus_http_requests_total" {
		t.Errorf("warroom_graph %q", a.Annotations["warroom_graph"])
	}
	u, err := url.Parse(a.GeneratorURL)
	if err != nil || u.Path != "/graph" {
		t.Fatalf("generatorURL %q: not a Prometheus graph link (%v)", a.GeneratorURL, err)
	}
	if got := u.Query().Get("g0.expr"); got != expr {
		t.Errorf("generatorURL %q: g0.expr %q, want %q", a.GeneratorURL, got, expr)
	}
	if !strings.HasPrefix(prom.URL, "http://127.0.0.1:") {
		t.Errorf("prometheus URL %q", prom.URL)
	}
}

func TestConfig(t *testing.T) {
	cfg, err := Options{
		WebhookURL:     "http://127.0.0.1:8080/hooks/alertmanager",
		BearerToken:    `tok"en`,
		GroupWait:      500 * time.Millisecond,
		GroupInterval:  2 * time.Second,
		RepeatInterval: time.Hour,
	}.config()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"receiver: warroom", `group_by: ["alertname"]`, "group_wait: 500ms", "group_interval: 2s", "repeat_interval: 3600s",
		`- url: "http://127.0.0.1:8080/hooks/alertmanager"`, "send_resolved: true",
		"type: Bearer", `credentials: "tok\"en"`,
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	cfg, err = Options{WebhookURL: "https://hook.example/x", GroupBy: []string{}}.config()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"group_by: []", "group_wait: 1s", "group_interval: 5s", "repeat_interval: 14400s"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("default config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "http_config") {
		t.Errorf("config without a token has http_config:\n%s", cfg)
	}
	for _, bad := range []string{"", "not a url", "ftp://x/y", "/relative"} {
		if _, err := (Options{WebhookURL: bad}).config(); err == nil {
			t.Errorf("webhook URL %q was accepted", bad)
		}
	}
}

func TestLabelKey(t *testing.T) {
	a := labelKey(map[string]string{"a": "1", "b": "2"})
	if b := labelKey(map[string]string{"b": "2", "a": "1"}); a != b {
		t.Errorf("order matters: %q != %q", a, b)
	}
	if c := labelKey(map[string]string{"a": "1,\"b\"=\"2\""}); c == a {
		t.Errorf("ambiguous key %q", c)
	}
	if got := slices.Sorted(maps.Keys(map[string]bool{a: true})); len(got) != 1 {
		t.Fatal(got)
	}
}
