package icingatest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// Server is a running Icinga 2.
type Server struct {
	// URL is the API's base URL, https://127.0.0.1:PORT (paths start /v1/).
	URL string
	// User and Password are an ApiUser with UserPermissions: give these to
	// the code under test.
	User     string
	Password string
	// CAFile is the PEM file of the instance's CA, which signed the API's
	// certificate. With default Options a client needs nothing else; with
	// Options.IcingaCert it must also set tls.Config.ServerName = ServerName.
	CAFile string
	// ServerName is the DNS name in the API's certificate, NodeName.
	ServerName string
	// Version is what the instance reports, for example "r2.13.6-1".
	Version string
	// Started is when the daemon was started.
	Started time.Time

	dir       string // the instance's directory: etc, lib, log, cache, spool, run
	port      int
	proc      *process
	logPath   string
	adminPass string
	client    *http.Client // the helpers' client, 15 s timeout
}

// Start runs an Icinga 2 with default Options; see StartWith.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith runs a private Icinga 2 for the test: its configuration (see
// Options and the package documentation), state, certificates and logs in a
// temporary directory, its API on a free 127.0.0.1 port. It returns once the
// API answers and the service web1!http exists, and stops the daemon when the
// test ends. Without an icinga2 binary it runs .ci/icinga2.sh; when Icinga 2
// still cannot run it skips the test, or fails it when CI=true. Startup
// errors fail the test with the daemon's log.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := binary(t)
	authority, err := theCA(t, bin)
	if err != nil {
		t.Fatalf("icingatest: %v", err)
	}
	dir := t.TempDir()
	var lastErr error
	for attempt := 1; attempt <= 3; attempt++ {
		s, err := start(t, bin, dir, authority, opts)
		if err == nil {
			return s
		}
		lastErr = err
		if !errors.Is(err, errPortShared) {
			break
		}
		t.Logf("icingatest: attempt %d: %v; trying another port", attempt, err)
	}
	t.Fatalf("icingatest: %v", lastErr)
	return nil
}

// errPortShared: another process listens on the instance's port too (Icinga
// 2 binds with SO_REUSEPORT, so this is not an error for the daemon).
var errPortShared = errors.New("another process listens on the same port")

// start makes one attempt to run an instance on a fresh port.
func start(t testing.TB, bin, parent string, authority *ca, opts Options) (_ *Server, err error) {
	t.Helper()
	port, err := reservePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	defer func() {
		if err != nil {
			releasePort(port)
		}
	}()
	dir, err := os.MkdirTemp(parent, "icinga2-")
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"etc", "lib", "log", "cache", "spool", "run"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, err
		}
	}
	if opts.IcingaCert {
		err = authority.issueIcinga(bin, filepath.Join(dir, "lib"))
	} else {
		err = authority.issueGo(filepath.Join(dir, "lib"))
	}
	if err != nil {
		return nil, fmt.Errorf("API certificate: %w", err)
	}
	s := &Server{
		URL:        "https://127.0.0.1:" + strconv.Itoa(port),
		User:       userName,
		Password:   randomHex(),
		CAFile:     filepath.Join(dir, "lib", "certs", "ca.crt"),
		ServerName: NodeName,
		dir:        dir,
		port:       port,
		logPath:    filepath.Join(dir, "icinga2.log"),
		adminPass:  randomHex(),
	}
	s.client = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{TLSClientConfig: s.TLSConfig()}}
	cfgPath := filepath.Join(dir, "etc", "icinga2.conf")
	if err := os.WriteFile(cfgPath, []byte(config(port, s.Password, s.adminPass, opts)), 0o600); err != nil {
		return nil, err
	}
	defs, err := defines(dir)
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the daemon has its own copy
	// In the foreground the daemon logs to stdout; -x sets that log's level.
	cmd := exec.Command(bin, append([]string{"daemon", "-c", cfgPath, "-x", "information"}, defs...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s.Started = time.Now()
	if s.proc, err = startProcess(cmd); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := s.waitReady(60 * time.Second); err != nil {
		s.proc.stop(10 * time.Second)
		return nil, fmt.Errorf("%s on %s: %w; its log ends:\n%s", bin, s.URL, err, s.Logs(30))
	}
	if n, err := listeners(port); err == nil && n > 1 {
		s.proc.stop(10 * time.Second)
		return nil, fmt.Errorf("port %d: %w (%d listeners)", port, errPortShared, n)
	}
	ready := time.Since(s.Started)
	t.Cleanup(func() {
		defer releasePort(port)
		start := time.Now()
		if !s.proc.stop(10 * time.Second) {
			t.Logf("icingatest: icinga2 (pid %d) did not stop within 10 s of SIGTERM; its process group was killed", s.proc.pid())
			return
		}
		t.Logf("icingatest: icinga2 (pid %d) on %s stopped in %v", s.proc.pid(), s.URL, time.Since(start).Round(time.Millisecond))
	})
	t.Logf("icingatest: icinga2 %s (pid %d) on %s, API ready %v after start; config %s",
		s.Version, s.proc.pid(), s.URL, ready.Round(time.Millisecond), cfgPath)
	return s, nil
}

// waitReady polls until the API answers with the service web1!http, then
// reads the version.
func (s *Server) waitReady(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var last error
	for {
		if s.proc.exited() {
			return fmt.Errorf("exited early (%v)", s.proc.err)
		}
		var answer objectsAnswer
		status, err := s.call(ctx, http.MethodGet, "/v1/objects/services/"+Host+"!"+Service, nil, &answer)
		switch {
		case err != nil:
			last = err
		case status != http.StatusOK:
			last = fmt.Errorf("GET /v1/objects/services/%s!%s: status %d", Host, Service, status)
		case len(answer.Results) != 1:
			last = fmt.Errorf("GET /v1/objects/services/%s!%s: %d results", Host, Service, len(answer.Results))
		default:
			var st statusAnswer
			if status, err := s.call(ctx, http.MethodGet, "/v1/status/IcingaApplication", nil, &st); err == nil && status == http.StatusOK && len(st.Results) > 0 {
				s.Version = st.Results[0].Status.IcingaApplication.App.Version
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("API not ready within %v: %v", limit, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// statusAnswer is the part of GET /v1/status/IcingaApplication that
// waitReady reads.
type statusAnswer struct {
	Results []struct {
		Status struct {
			IcingaApplication struct {
				App struct {
					Version string `json:"version"`
				} `json:"app"`
			} `json:"icingaapplication"`
		} `json:"status"`
	} `json:"results"`
}

// TLSConfig returns a client TLS configuration that trusts the instance's CA
// and verifies the name in its certificate (ServerName), whichever
// certificate Options chose.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	if b, err := os.ReadFile(s.CAFile); err == nil {
		pool.AppendCertsFromPEM(b)
	}
	return &tls.Config{RootCAs: pool, ServerName: s.ServerName, MinVersion: tls.VersionTLS12}
}

// Client returns an HTTP client for the API (TLSConfig, no overall timeout,
// so that it can read the event stream). Requests still need basic auth and
// Accept: application/json.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: s.TLSConfig()}}
}

// PID is the process ID of the daemon the test started (the umbrella process
// that leads the daemon's process group).
func (s *Server) PID() int { return s.proc.pid() }

// Logs returns the last n lines the daemon logged.
func (s *Server) Logs(n int) string {
	return peerproc.TailFile(s.logPath, n)
}

// randomHex returns 16 random bytes in hex, for passwords.
func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// objectsAnswer is the answer of GET /v1/objects/...
type objectsAnswer struct {
	Results []struct {
		Name  string                     `json:"name"`
		Type  string                     `json:"type"`
		Attrs map[string]json.RawMessage `json:"attrs"`
	} `json:"results"`
}
