package mmtest

import (
	"os"
	"os/exec"
	"os/user"
	"runtime"
	"testing"
)

// pgBin is where Debian's postgresql package installs PostgreSQL 15's programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// unavailable ends a test that cannot get a real server: it fails when CI=true (the
// server is required there) and skips otherwise.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("mmtest: a real server is required when CI=true but cannot run here: "+format, args...)
	}
	t.Skipf("mmtest: skipping, cannot run a real server here: "+format, args...)
}

// postgresInstalled reports whether PostgreSQL 15's initdb is present.
func postgresInstalled() bool {
	_, err := os.Stat(pgBin + "/initdb")
	return err == nil
}

// postgresProblem says why a PostgreSQL cluster cannot be started here, or "" if it can.
func postgresProblem() string {
	switch {
	case runtime.GOOS != "linux":
		return "needs Linux, this is " + runtime.GOOS
	case !postgresInstalled():
		return "PostgreSQL 15 is not installed (" + pgBin + "/initdb missing; run .ci/mattermost.sh as root or apt-get install -y postgresql)"
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

// scriptProblem says why .ci/mattermost.sh cannot run here, or "" if it can.
func scriptProblem() string {
	if runtime.GOOS != "linux" {
		return "needs Linux, this is " + runtime.GOOS
	}
	for _, tool := range []string{"bash", "go", "flock"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is not on PATH (needed to build Mattermost)"
		}
	}
	if !postgresInstalled() {
		if os.Geteuid() != 0 {
			return "PostgreSQL 15 is not installed (" + pgBin + "/initdb missing) and installing it needs root"
		}
		if _, err := exec.LookPath("apt-get"); err != nil {
			return "PostgreSQL 15 is not installed and apt-get is not available"
		}
	}
	return ""
}
