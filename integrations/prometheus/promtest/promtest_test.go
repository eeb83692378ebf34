package promtest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestStartAndStop(t *testing.T) {
	t.Parallel()
	var pid int
	t.Run("server", func(t *testing.T) {
		s := Start(t)
		pid = s.proc.PID()
		if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || s.Version == "" {
			t.Errorf("URL %q, Version %q", s.URL, s.Version)
		}
		var r struct {
			Status string `json:"status"`
			Data   struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
				} `json:"result"`
			} `json:"data"`
		}
		getJSON(t, s.URL+"/api/v1/query?query=up", &r)
		if r.Status != "success" || len(r.Data.Result) != 1 || r.Data.Result[0].Metric["job"] != "prometheus" {
			t.Errorf("up = %+v, want one series of job prometheus", r)
		}
	})
	if pid == 0 {
		return // skipped
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("prometheus (pid %d) still exists after the test: kill -0 = %v", pid, err)
	}
}

func TestRuleFilesAndAlertmanager(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		alerts []map[string]any
	)
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/am/api/v2/alerts" {
			http.NotFound(w, r)
			return
		}
		var got []map[string]any
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		alerts = append(alerts, got...)
		mu.Unlock()
	}))
	defer am.Close()

	rules := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(rules, []byte(`groups:
  - name: promtest
    rules:
      - alert: AlwaysFiring
        expr: vector(1) > 0
        labels: {severity: warning}
        annotations: {summary: "from promtest"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := StartWith(t, Options{RuleFiles: []string{rules}, AlertmanagerURL: am.URL + "/am"})

	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(alerts)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no alert reached the fake Alertmanager within 20 s; prometheus log:\n%s", s.Logs(20))
		}
		time.Sleep(200 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	labels, _ := alerts[0]["labels"].(map[string]any)
	if labels["alertname"] != "AlwaysFiring" || labels["severity"] != "warning" {
		t.Errorf("alert labels %v", labels)
	}
	if gen, _ := alerts[0]["generatorURL"].(string); !strings.Contains(gen, "g0.expr=") {
		t.Errorf("generatorURL %q carries no expression", gen)
	}
}

func TestConfig(t *testing.T) {
	cfg, err := Options{
		Interval:        500 * time.Millisecond,
		RuleFiles:       []string{"/tmp/a.yml"},
		AlertmanagerURL: "http://127.0.0.1:9093",
	}.config(19090)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"scrape_interval: 500ms", "evaluation_interval: 500ms", `targets: ["127.0.0.1:19090"]`,
		`- "/tmp/a.yml"`, "scheme: http", `path_prefix: "/"`, `targets: ["127.0.0.1:9093"]`,
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	if _, err := (Options{AlertmanagerURL: "not a url"}).config(1); err == nil {
		t.Error("a bad Alertmanager URL was accepted")
	}
	if cfg, _ := (Options{}).config(1); strings.Contains(cfg, "rule_files") || strings.Contains(cfg, "alerting") ||
		!strings.Contains(cfg, "scrape_interval: 1s") {
		t.Errorf("default config:\n%s", cfg)
	}
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
