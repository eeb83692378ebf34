package mmtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// StartPostgres starts a throwaway PostgreSQL 15 cluster on a free 127.0.0.1 port and
// returns the DSN of its superuser "postgres" on the database "postgres" (trust
// authentication, no password), e.g.
// postgres://postgres@127.0.0.1:41234/postgres?sslmode=disable.
// The cluster is stopped and its files removed when the test ends. Like Start, it skips
// the test (or fails it when CI=true) if PostgreSQL 15 cannot run here.
func StartPostgres(t testing.TB) string {
	t.Helper()
	return startPostgres(t).dsn("postgres", "", "postgres")
}

// pgCluster is a running throwaway PostgreSQL cluster.
type pgCluster struct {
	dir  string // temporary directory: data/, the socket and postgres.log
	port int
	proc *peerproc.Process
}

// startPostgres starts a cluster, as the postgres user when running as root
// (PostgreSQL refuses to run as root), and registers its teardown with t.Cleanup.
func startPostgres(t testing.TB) *pgCluster {
	t.Helper()
	if p := postgresProblem(); p != "" {
		unavailable(t, "%s", p)
	}
	start := time.Now()
	dir, err := os.MkdirTemp("", "warroom-pg-")
	if err != nil {
		t.Fatalf("mmtest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		if err := chownToPostgres(dir); err != nil {
			t.Fatalf("mmtest: %v", err)
		}
	}
	pg := &pgCluster{dir: dir}
	data := filepath.Join(dir, "data")

	initdb := pg.command("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("mmtest: initdb failed: %v\n%s", err, out)
	}

	if _, err := peerproc.OnFreePort(func(port int) (struct{}, error) { return struct{}{}, pg.start(port) }); err != nil {
		t.Fatalf("mmtest: %v", err)
	}
	t.Cleanup(func() { pg.stop(t) })
	t.Logf("mmtest: PostgreSQL 15 ready on 127.0.0.1:%d in %v (%s)", pg.port, time.Since(start).Round(time.Millisecond), dir)
	return pg
}

// start makes one attempt to run the cluster on port and waits until it
// accepts connections; the error holds the end of its log.
func (pg *pgCluster) start(port int) error {
	pg.port = port
	logPath := filepath.Join(pg.dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child keeps its own descriptor
	cmd := pg.command("postgres", "-D", filepath.Join(pg.dir, "data"), "-p", strconv.Itoa(port), "-k", pg.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if pg.proc, err = peerproc.Start(cmd); err != nil {
		return fmt.Errorf("starting postgres: %w", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		// Ours says it is ready, and a connection works: a server of
		// someone else's on the port would answer too.
		if log, _ := os.ReadFile(logPath); bytes.Contains(log, []byte("ready to accept connections")) && pg.ready() && !pg.proc.Exited() {
			return nil
		}
		if pg.proc.Exited() || time.Now().After(deadline) {
			exited := pg.proc.Exited()
			pg.proc.Stop(syscall.SIGTERM, 5*time.Second)
			return fmt.Errorf("PostgreSQL did not become ready on 127.0.0.1:%d (exited: %v); end of %s:\n%s",
				port, exited, logPath, peerproc.TailFile(logPath, 30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// command runs one of PostgreSQL's programs as the owner of the cluster.
func (pg *pgCluster) command(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(pgBin, prog)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = pg.dir // a directory the postgres user can enter
	return cmd
}

// ready reports whether the server accepts connections.
func (pg *pgCluster) ready() bool {
	cmd := exec.Command(filepath.Join(pgBin, "pg_isready"), "-q", "-t", "1", "-h", "127.0.0.1", "-p", strconv.Itoa(pg.port))
	return cmd.Run() == nil
}

// exec runs each SQL statement on its own (so CREATE DATABASE works) as the superuser.
func (pg *pgCluster) exec(t testing.TB, statements ...string) {
	t.Helper()
	args := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", strconv.Itoa(pg.port), "-U", "postgres", "-d", "postgres"}
	for _, s := range statements {
		args = append(args, "-c", s)
	}
	out, err := exec.Command(filepath.Join(pgBin, "psql"), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("mmtest: psql failed: %v\n%s", err, out)
	}
}

// dsn is the URL of database db for user (and password, if not empty).
func (pg *pgCluster) dsn(userName, password, db string) string {
	auth := userName
	if password != "" {
		auth += ":" + password
	}
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=10", auth, pg.port, db)
}

// stop shuts the cluster down (fast mode: disconnects clients, no waiting).
func (pg *pgCluster) stop(t testing.TB) {
	if pg.proc.Exited() {
		return
	}
	start := time.Now()
	// pg_ctl signals the postmaster itself; signalling runuser would only forward SIGTERM.
	out, err := pg.command("pg_ctl", "stop", "-D", filepath.Join(pg.dir, "data"), "-m", "fast", "-w", "-t", "20").CombinedOutput()
	if err != nil {
		t.Logf("mmtest: pg_ctl stop failed (%v): %s", err, out)
		pg.proc.Stop(syscall.SIGTERM, 5*time.Second)
	} else if !pg.proc.Wait(10 * time.Second) {
		t.Logf("mmtest: PostgreSQL on port %d had to be killed", pg.port)
	}
	t.Logf("mmtest: PostgreSQL on port %d stopped in %v", pg.port, time.Since(start).Round(time.Millisecond))
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
