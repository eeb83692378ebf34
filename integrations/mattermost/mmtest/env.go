package mmtest

import (
	"os"
	"os/exec"
	"os/user"
	"runtime"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// pgBin is where Debian's postgresql package installs PostgreSQL 15's programs.
const pgBin = "/usr/lib/postgresql/15/bin"

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
	if _, err := peerproc.CacheDir(cacheName); err != nil {
		return "there is no cache directory (set WARROOM_CACHE): " + err.Error()
	}
	if runtime.GOOS != "linux" {
		return "needs Linux, this is " + runtime.GOOS
	}
	if tool := peerproc.MissingTools("bash", "go", "flock"); tool != "" {
		return tool + " is not on PATH (needed to build Mattermost)"
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
