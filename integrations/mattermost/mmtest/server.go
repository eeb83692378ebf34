package mmtest

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// Server is a running Mattermost 9.9 server with a bootstrapped team, bot and users.
// Everything is torn down when the test that started it ends.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41235; it is also the server's SiteURL.
	URL string
	// Version is the X-Version-Id the server reports, e.g. "9.9.0.9.9.0.<hash>...".
	Version string
	// DSN is the PostgreSQL URL of Mattermost's database.
	DSN string
	// Dir is Mattermost's throwaway working directory; its log is Dir/mattermost.log.
	Dir string

	// Admin is the system administrator (the first user created), logged in.
	Admin User
	// AdminToken is Admin.Token, a session token of the system administrator.
	AdminToken string
	// TeamID is the id of the open team "ops"; Admin, the bot and User are members.
	TeamID string
	// TeamName is the team's name, "ops".
	TeamName string
	// BotUserID is the user id of the bot account "warroom-bot", a member of the team.
	BotUserID string
	// BotUsername is the bot's username, "warroom-bot".
	BotUsername string
	// BotToken is an access token of the bot, for Authorization: Bearer.
	BotToken string
	// User is "alice", a human member of the team (not an admin), logged in.
	User User

	client *http.Client
}

// User is a human Mattermost account created by the harness.
type User struct {
	// ID is the 26-character user id.
	ID string
	// Username is the login name.
	Username string
	// Password is the account's password.
	Password string
	// Token is a session token from logging in, for Authorization: Bearer.
	Token string
}

// Options adjusts the server that StartWith starts.
type Options struct {
	// RateLimit turns Mattermost's API rate limiting on (it is off by default).
	RateLimit bool
	// RateLimitPerSec is the allowed requests per second when RateLimit is set; zero keeps
	// Mattermost's default (10).
	RateLimitPerSec int
	// RateLimitMaxBurst is the allowed burst when RateLimit is set; zero keeps Mattermost's
	// default (100).
	RateLimitMaxBurst int
	// Env adds or overrides settings as "MM_<SECTION>_<KEY>=value" strings, applied last.
	Env []string
}

// startTimeout bounds how long Mattermost may take to answer its ping after starting
// (schema migrations on an empty database take a few seconds).
const startTimeout = 2 * time.Minute

// Start starts a Mattermost 9.9 server with default Options (rate limiting off); see
// StartWith.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith builds Mattermost once if needed (.ci/mattermost.sh), starts a throwaway
// PostgreSQL cluster and a Mattermost server on free 127.0.0.1 ports, and bootstraps
// the admin, the team "ops", the bot and the user "alice". It skips the test, or fails it
// when CI=true, if this machine cannot run the server. The server, the database and
// their files are removed when the test ends.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	start := time.Now()
	build := ensureBuild(t)

	pg := startPostgres(t)
	if err := pg.Exec("CREATE USER mmuser WITH PASSWORD 'mmtest' CREATEDB", "CREATE DATABASE mattermost OWNER mmuser"); err != nil {
		t.Fatalf("mmtest: %v", err)
	}

	s := &Server{
		DSN:    pg.DSN("mmuser", "mmtest", "mattermost"),
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{}}, // no proxy
	}
	t.Cleanup(s.client.CloseIdleConnections)
	s.startMattermost(t, build, opts)

	bootstrapStart := time.Now()
	s.bootstrap(t)
	t.Logf("mmtest: bootstrap (admin, team %q, bot %q, user %q) took %v; whole start %v",
		s.TeamName, s.BotUsername, s.User.Username,
		time.Since(bootstrapStart).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	return s
}

// startMattermost starts the server from the build directory and waits for its ping.
func (s *Server) startMattermost(t testing.TB, build string, opts Options) {
	t.Helper()
	start := time.Now()
	dir, err := os.MkdirTemp("", "warroom-mm-")
	if err != nil {
		t.Fatalf("mmtest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	s.Dir = dir
	for _, d := range []string{"i18n", "templates", "fonts"} {
		if err := os.Symlink(filepath.Join(build, d), filepath.Join(dir, d)); err != nil {
			t.Fatalf("mmtest: %v", err)
		}
	}
	for _, d := range []string{"client/plugins", "data", "logs", "plugins"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatalf("mmtest: %v", err)
		}
	}

	proc, err := peerproc.OnFreePort(func(port int) (*peerproc.Process, error) { return s.runMattermost(build, dir, port, opts) })
	if err != nil {
		t.Fatalf("mmtest: %v", err)
	}
	t.Cleanup(func() {
		stopStart := time.Now()
		if !proc.Stop(syscall.SIGTERM, 30*time.Second) {
			t.Logf("mmtest: Mattermost did not stop within 30 s and was killed")
		}
		t.Logf("mmtest: Mattermost at %s stopped in %v", s.URL, time.Since(stopStart).Round(time.Millisecond))
	})
	logPath := filepath.Join(dir, "mattermost.log")
	t.Logf("mmtest: Mattermost %s ready at %s in %v (log %s)", s.Version, s.URL, time.Since(start).Round(time.Millisecond), logPath)
}

// runMattermost makes one attempt to run the server on port and waits for
// its ping; the error holds the end of its log.
func (s *Server) runMattermost(build, dir string, port int, opts Options) (*peerproc.Process, error) {
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	logPath := filepath.Join(dir, "mattermost.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor
	cmd := exec.Command(filepath.Join(build, "bin", "mattermost"), "server", "--config", filepath.Join(dir, "config.json"))
	cmd.Dir = dir
	cmd.Env = append(parentEnv(), settings(s, port, opts)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	proc, err := peerproc.Start(cmd)
	if err != nil {
		return nil, fmt.Errorf("starting Mattermost: %w", err)
	}
	listening := []byte(fmt.Sprintf("Server is listening on 127.0.0.1:%d", port))
	deadline := time.Now().Add(startTimeout)
	for {
		// Ours says it listens, and the ping answers: a server of someone
		// else's on the port would answer too.
		if log, _ := os.ReadFile(logPath); bytes.Contains(log, listening) && s.ping() && !proc.Exited() {
			return proc, nil
		}
		if proc.Exited() {
			return nil, fmt.Errorf("Mattermost exited before answering %s/api/v4/system/ping (%v); end of %s:\n%s",
				s.URL, proc.Err(), logPath, peerproc.TailFile(logPath, 40))
		}
		if time.Now().After(deadline) {
			proc.Stop(syscall.SIGTERM, 30*time.Second)
			return nil, fmt.Errorf("Mattermost did not answer %s/api/v4/system/ping within %v; end of %s:\n%s",
				s.URL, startTimeout, logPath, peerproc.TailFile(logPath, 40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ping reports whether GET /api/v4/system/ping answers 200, and records the version.
func (s *Server) ping() bool {
	c := &http.Client{Timeout: 2 * time.Second, Transport: s.client.Transport}
	resp, err := c.Get(s.URL + "/api/v4/system/ping")
	if err != nil {
		return false
	}
	resp.Body.Close()
	s.Version = resp.Header.Get("X-Version-Id")
	return resp.StatusCode == http.StatusOK
}
