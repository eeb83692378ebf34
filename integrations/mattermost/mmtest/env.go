package mmtest

import (
	"os"
	"os/exec"
	"runtime"

	"github.com/warroom/warroom/incident/postgres/pgtest"
	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// pgBin is where Debian's postgresql package installs PostgreSQL 15's programs.
const pgBin = pgtest.Bin

// postgresInstalled reports whether PostgreSQL 15's initdb is present.
func postgresInstalled() bool { return pgtest.Installed() }

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
