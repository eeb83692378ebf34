// Package pgtest starts throwaway PostgreSQL 15 clusters for tests: initdb
// as the postgres user (PostgreSQL refuses to run as root), a free
// 127.0.0.1 port, fsync off, and teardown. Database hands each test a
// fresh database on one cluster per test binary, so that a test costs a
// CREATE DATABASE, not an initdb; Start gives a test a cluster of its own.
//
// Without PostgreSQL 15 the test is skipped, or failed when CI=true (CI
// has it, and a skipped store test there would prove nothing).
package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Bin is where Debian's postgresql package installs PostgreSQL 15's programs.
const Bin = "/usr/lib/postgresql/15/bin"

// Cluster is a running throwaway PostgreSQL cluster whose superuser
// "postgres" signs in without a password (trust authentication).
type Cluster struct {
	dir  string // temporary directory: data/, the socket and postgres.log
	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when the postmaster (or runuser) exited
}

// Start starts a cluster of the test's own and registers its teardown
// with t.Cleanup. It skips the test (fails it when CI=true) when
// PostgreSQL 15 cannot run here.
func Start(t testing.TB) *Cluster {
	t.Helper()
	if p := Problem(); p != "" {
		Unavailable(t, "%s", p)
	}
	start := time.Now()
	c, err := startCluster()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Logf("pgtest: %v", err)
		}
	})
	t.Logf("pgtest: PostgreSQL 15 ready on 127.0.0.1:%d in %v (%s)", c.port, time.Since(start).Round(time.Millisecond), c.dir)
	return c
}

// Unavailable ends a test that cannot get a real PostgreSQL: it fails
// when CI=true (PostgreSQL is required there) and skips otherwise.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL is required when CI=true: %s", msg)
	}
	t.Skipf("skipping: %s (CI=true makes this a failure)", msg)
}

// Problem says why a PostgreSQL cluster cannot be started here, or "" if it can.
func Problem() string {
	switch {
	case runtime.GOOS != "linux":
		return "needs Linux, this is " + runtime.GOOS
	case !Installed():
		return "PostgreSQL 15 is not installed (" + Bin + "/initdb missing; apt-get install -y postgresql)"
	case os.Geteuid() != 0:
		return "" // the current user runs postgres itself
	}
	if _, err := user.Lookup("postgres"); err != nil {
		return "running as root but there is no postgres user to run PostgreSQL as"
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		return "running as root but runuser is not on PATH"
	}
	return ""
}

// Installed reports whether PostgreSQL 15's initdb is present.
func Installed() bool {
	_, err := os.Stat(Bin + "/initdb")
	return err == nil
}

// startCluster runs initdb in a new temporary directory and starts the
// server on a free port (a fresh one if the port was taken meanwhile).
func startCluster() (*Cluster, error) {
	dir, err := os.MkdirTemp("", "warroom-pg-")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if err := chownToPostgres(dir); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	c := &Cluster{dir: dir}
	initdb := c.command("initdb", "-D", filepath.Join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb failed: %w\n%s", err, out)
	}
	for range 3 {
		var port int
		if port, err = freePort(); err != nil {
			break
		}
		if err = c.start(port); err == nil || !strings.Contains(strings.ToLower(err.Error()), "address already in use") {
			break
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start makes one attempt to run the cluster on port and waits until it
// accepts connections; the error holds the end of its log.
func (c *Cluster) start(port int) error {
	c.port = port
	logPath := filepath.Join(c.dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child keeps its own descriptor
	cmd := c.command("postgres", "-D", filepath.Join(c.dir, "data"), "-p", strconv.Itoa(port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// SIGTERM if the test binary dies without its cleanups.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	c.cmd, c.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(c.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		// Ours says it is ready, and a connection works: a server of
		// someone else's on the port would answer too.
		if log, _ := os.ReadFile(logPath); bytes.Contains(log, []byte("ready to accept connections")) && c.ready() && !c.exited() {
			return nil
		}
		if c.exited() || time.Now().After(deadline) {
			exited := c.exited()
			c.kill(5 * time.Second)
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("PostgreSQL did not become ready on 127.0.0.1:%d (exited: %v); end of %s:\n%s",
				port, exited, logPath, lastLines(string(log), 30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *Cluster) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// kill sends SIGTERM, and SIGKILL after grace.
func (c *Cluster) kill(grace time.Duration) bool {
	if c.exited() {
		return true
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		return true
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
		return false
	}
}

// command runs one of PostgreSQL's programs as the owner of the cluster.
func (c *Cluster) command(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(Bin, prog)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir // a directory the postgres user can enter
	return cmd
}

// ready reports whether the server accepts connections.
func (c *Cluster) ready() bool {
	return exec.Command(filepath.Join(Bin, "pg_isready"), "-q", "-t", "1", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port)).Run() == nil
}

// Port is the cluster's TCP port on 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// Exec runs each SQL statement on its own (so CREATE DATABASE works) as
// the superuser on the database "postgres".
func (c *Cluster) Exec(statements ...string) error {
	args := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", "-d", "postgres"}
	for _, s := range statements {
		args = append(args, "-c", s)
	}
	out, err := exec.Command(filepath.Join(Bin, "psql"), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("psql failed: %w\n%s", err, out)
	}
	return nil
}

// DSN is the URL of database db for user (and password, if not empty),
// e.g. postgres://postgres@127.0.0.1:41234/postgres?sslmode=disable&connect_timeout=10.
func (c *Cluster) DSN(userName, password, db string) string {
	auth := userName
	if password != "" {
		auth += ":" + password
	}
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=10", auth, c.port, db)
}

// Stop shuts the cluster down (fast mode: disconnects clients, no
// waiting) and removes its files.
func (c *Cluster) Stop() error {
	defer os.RemoveAll(c.dir)
	if c.exited() {
		return nil
	}
	// pg_ctl signals the postmaster itself; signalling runuser would only forward SIGTERM.
	out, err := c.command("pg_ctl", "stop", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "20").CombinedOutput()
	if err != nil {
		c.kill(5 * time.Second)
		return fmt.Errorf("pg_ctl stop failed (%w): %s", err, out)
	}
	select {
	case <-c.done:
		return nil
	case <-time.After(10 * time.Second):
		c.kill(0)
		return errors.New("PostgreSQL had to be killed")
	}
}

// chownToPostgres gives dir to the postgres user, which runs the cluster.
func chownToPostgres(dir string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return err
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return err
	}
	return os.Chown(dir, uid, gid)
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
