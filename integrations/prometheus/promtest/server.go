package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// Server is a running Prometheus.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Version is what the server reports, for example "2.42.0+ds".
	Version string
	// Started is when the process was started; data exists from about then.
	Started time.Time

	proc    *peerproc.Process
	logPath string
	client  *http.Client
}

// Start runs a Prometheus with default Options; see StartWith.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith runs a Prometheus on a free loopback port with a configuration
// built from opts and storage in a temporary directory, waits until it is
// ready and its first scrape (the series "up") is queryable, and stops it
// when the test ends. Without a prometheus binary it runs .ci/prometheus.sh;
// when Prometheus still cannot run it skips the test, or fails it when
// CI=true. Startup errors fail the test with the server's log.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := binary(t)
	dir := t.TempDir()
	s, err := peerproc.OnFreePort(func(port int) (*Server, error) { return start(t, bin, dir, opts, port) })
	if err != nil {
		t.Fatalf("promtest: %v", err)
	}
	return s
}

// start makes one attempt to start the server on port.
func start(t testing.TB, bin, dir string, opts Options, port int) (*Server, error) {
	t.Helper()
	run, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return nil, err
	}
	cfg, err := opts.config(port)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(run, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	logPath := filepath.Join(run, "prometheus.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy
	args := append([]string{
		"--config.file=" + cfgPath,
		"--storage.tsdb.path=" + filepath.Join(run, "data"),
		"--web.listen-address=127.0.0.1:" + strconv.Itoa(port),
		"--rules.alert.resend-delay=1s",
	}, opts.Args...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s := &Server{
		URL:     "http://127.0.0.1:" + strconv.Itoa(port),
		Started: time.Now(),
		logPath: logPath,
		client:  &http.Client{Timeout: 5 * time.Second},
	}
	if s.proc, err = peerproc.Start(cmd); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := s.waitForData(60 * time.Second); err != nil {
		s.proc.Stop(syscall.SIGTERM, 10*time.Second)
		return nil, fmt.Errorf("%s on %s: %w; its log ends:\n%s", bin, s.URL, err, s.Logs(30))
	}
	t.Cleanup(func() {
		if !s.proc.Stop(syscall.SIGTERM, 10*time.Second) {
			t.Logf("promtest: prometheus did not stop within 10 s of SIGTERM and was killed")
		}
	})
	t.Logf("promtest: prometheus %s on %s, data after %v", s.Version, s.URL, time.Since(s.Started).Round(time.Millisecond))
	return s, nil
}

// waitForData polls until the server is ready and has scraped itself once.
func (s *Server) waitForData(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	ready := false
	for {
		if s.proc.Exited() {
			return fmt.Errorf("exited early (%v)", s.proc.Err())
		}
		if !ready {
			ready = s.get(ctx, "/-/ready", nil) == nil
		}
		if ready {
			var r queryAnswer
			if err := s.get(ctx, "/api/v1/query?query="+url.QueryEscape(`up{job="prometheus"}`), &r); err == nil && len(r.Data.Result) > 0 {
				var info buildInfo
				if s.get(ctx, "/api/v1/status/buildinfo", &info) == nil {
					s.Version = info.Data.Version
				}
				return nil
			}
		}
		select {
		case <-ctx.Done():
			if !ready {
				return fmt.Errorf("not ready within %v", limit)
			}
			return fmt.Errorf("ready but no scrape data within %v", limit)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// queryAnswer is the part of an instant query's answer waitForData reads.
type queryAnswer struct {
	Data struct {
		Result []json.RawMessage `json:"result"`
	} `json:"data"`
}

// buildInfo is the part of /api/v1/status/buildinfo's answer Start reads.
type buildInfo struct {
	Data struct {
		Version string `json:"version"`
	} `json:"data"`
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

// Logs returns the last n lines the server logged.
func (s *Server) Logs(n int) string {
	return peerproc.TailFile(s.logPath, n)
}
