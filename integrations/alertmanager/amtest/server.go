package amtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// Server is a running Alertmanager.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT; it is also its
	// --web.external-url, so it is the webhook's externalURL.
	URL string
	// Version is what the server reports, for example "0.31.1".
	Version string
	// Started is when the process was started.
	Started time.Time
	// Ready is when /-/ready first answered 200.
	Ready time.Time

	proc    *peerproc.Process
	logPath string
	client  *http.Client

	mu     sync.Mutex
	posted map[string]Alert // by labelKey: what PostAlert sent, for ResolveAlert
}

// Alert is an alert as POST /api/v2/alerts takes it.
type Alert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
	StartsAt     time.Time         `json:"startsAt,omitzero"`
	EndsAt       time.Time         `json:"endsAt,omitzero"`
}

// Start runs an Alertmanager on a free loopback port with a configuration
// built from opts (every alert to one webhook receiver, send_resolved: true),
// storage in a temporary directory and clustering off
// (--cluster.listen-address=), waits until /-/ready answers, and stops it
// when the test ends. Without a built binary it runs .ci/alertmanager.sh;
// when Alertmanager still cannot run it skips the test, or fails it when
// CI=true. Bad options and startup errors fail the test, the latter with the
// server's log.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	cfg, err := opts.config()
	if err != nil {
		t.Fatalf("amtest: %v", err)
	}
	bin := binary(t)
	dir := t.TempDir()
	s, err := peerproc.OnFreePort(func(port int) (*Server, error) { return start(t, bin, dir, cfg, opts.Args, port) })
	if err != nil {
		t.Fatalf("amtest: %v", err)
	}
	return s
}

// start makes one attempt to start the server on port.
func start(t testing.TB, bin, dir, cfg string, extra []string, port int) (*Server, error) {
	t.Helper()
	run, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(run, "alertmanager.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil { // 0600: it holds the token
		return nil, err
	}
	logPath := filepath.Join(run, "alertmanager.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{
		"--config.file=" + cfgPath,
		"--storage.path=" + filepath.Join(run, "data"),
		"--web.listen-address=127.0.0.1:" + strconv.Itoa(port),
		"--web.external-url=" + url,
		"--cluster.listen-address=", // no gossip on :9094
	}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s := &Server{
		URL:     url,
		Started: time.Now(),
		logPath: logPath,
		client:  &http.Client{Timeout: 5 * time.Second},
		posted:  map[string]Alert{},
	}
	if s.proc, err = peerproc.Start(cmd); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := s.waitReady(30 * time.Second); err != nil {
		s.proc.Stop(syscall.SIGTERM, 10*time.Second)
		return nil, fmt.Errorf("%s on %s: %w; its log ends:\n%s", bin, s.URL, err, s.Logs(30))
	}
	t.Cleanup(func() {
		if !s.proc.Stop(syscall.SIGTERM, 10*time.Second) {
			t.Logf("amtest: alertmanager did not stop within 10 s of SIGTERM and was killed")
		}
	})
	t.Logf("amtest: alertmanager %s on %s, ready after %v", s.Version, s.URL, s.Ready.Sub(s.Started).Round(time.Millisecond))
	return s, nil
}

// waitReady polls /-/ready until it answers 200, then reads the version.
func (s *Server) waitReady(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for {
		if s.proc.Exited() {
			return fmt.Errorf("exited early (%v)", s.proc.Err())
		}
		if s.get(ctx, "/-/ready", nil) == nil {
			s.Ready = time.Now()
			var st status
			if s.get(ctx, "/api/v2/status", &st) == nil {
				s.Version = st.VersionInfo.Version
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready within %v", limit)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// status is the part of /api/v2/status's answer Start reads.
type status struct {
	VersionInfo struct {
		Version string `json:"version"`
	} `json:"versionInfo"`
}

// get GETs path and decodes a 200 answer's JSON into out (if not nil).
func (s *Server) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// PostAlert sends one firing alert (POST /api/v2/alerts) with startsAt now
// and no endsAt, as a Prometheus would; Alertmanager treats it as firing for
// its resolve_timeout (5 m) unless it is posted again or resolved. Posting
// the same labels again updates the alert. generatorURL may be "". It fails
// the test when Alertmanager rejects the alert; call it from the test's
// goroutine.
func (s *Server) PostAlert(t testing.TB, labels, annotations map[string]string, generatorURL string) {
	t.Helper()
	a := Alert{
		Labels:       maps.Clone(labels),
		Annotations:  maps.Clone(annotations),
		GeneratorURL: generatorURL,
		StartsAt:     time.Now().UTC(),
	}
	k := labelKey(labels)
	s.mu.Lock()
	if prev, ok := s.posted[k]; ok {
		a.StartsAt = prev.StartsAt // still the same firing alert
	}
	s.posted[k] = a
	s.mu.Unlock()
	s.post(t, a)
}

// ResolveAlert resolves the alert with exactly these labels: it posts them
// again with endsAt now. An alert sent by PostAlert is re-sent with its
// annotations, generatorURL and startsAt, as Prometheus does when an alert
// stops firing; otherwise Alertmanager would report the resolved alert
// without them. The resolved notification follows at the group's next
// GroupInterval tick. Call it from the test's goroutine.
func (s *Server) ResolveAlert(t testing.TB, labels map[string]string) {
	t.Helper()
	k := labelKey(labels)
	s.mu.Lock()
	a, ok := s.posted[k]
	delete(s.posted, k)
	s.mu.Unlock()
	if !ok {
		a = Alert{Labels: maps.Clone(labels)}
	}
	a.EndsAt = time.Now().UTC()
	s.post(t, a)
}

// post sends alerts to POST /api/v2/alerts and fails the test unless the
// answer is 200.
func (s *Server) post(t testing.TB, alerts ...Alert) {
	t.Helper()
	body, err := json.Marshal(alerts)
	if err != nil {
		t.Fatalf("amtest: encode alerts: %v", err)
	}
	resp, err := s.client.Post(s.URL+"/api/v2/alerts", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("amtest: POST /api/v2/alerts: %v", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("amtest: POST /api/v2/alerts %s: %s: %s", body, resp.Status, strings.TrimSpace(string(answer)))
	}
}

// labelKey identifies a label set regardless of map order.
func labelKey(labels map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		b.WriteString(strconv.Quote(k))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(labels[k]))
		b.WriteByte(',')
	}
	return b.String()
}

// Logs returns the last n lines the server logged.
func (s *Server) Logs(n int) string {
	return peerproc.TailFile(s.logPath, n)
}
