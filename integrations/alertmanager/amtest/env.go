package amtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// cachedBinary is where .ci/alertmanager.sh puts the binary it builds.
func cachedBinary() (string, error) {
	dir, err := peerproc.CacheDir("alertmanager-0.31.1")
	return filepath.Join(dir, "bin", "alertmanager"), err
}

// installer finds the alertmanager to run: $WARROOM_ALERTMANAGER, the
// cached build, or what .ci/alertmanager.sh reports after building it (or,
// when the build fails, after installing Debian's package).
var installer = &peerproc.Installer{
	Harness: "amtest", Peer: "Alertmanager", Env: "WARROOM_ALERTMANAGER",
	Find: func() string {
		if p, err := cachedBinary(); err == nil && peerproc.IsExecutable(p) {
			return p
		}
		return ""
	},
	Script: "alertmanager.sh", Does: "go install alertmanager@v0.31.1, about 45 s",
	Problem: scriptProblem,
	Reports: true, Valid: peerproc.IsExecutable,
}

// binary returns the alertmanager to run; it skips or fails the test (see
// peerproc.Unavailable) when that cannot be done here.
func binary(t testing.TB) string {
	t.Helper()
	p := installer.Path(t)
	if cached, _ := cachedBinary(); p != cached && os.Getenv(installer.Env) == "" {
		t.Logf("amtest: WARNING: using %s, not Alertmanager 0.31.1 (the script fell back to Debian's package)", p)
	}
	return p
}

// scriptProblem says why .ci/alertmanager.sh cannot build Alertmanager here,
// or "" if it can.
func scriptProblem() string {
	if _, err := cachedBinary(); err != nil {
		return "there is no cache directory (set WARROOM_CACHE): " + err.Error()
	}
	if runtime.GOOS != "linux" {
		return "building it needs Linux, this is " + runtime.GOOS
	}
	if tool := peerproc.MissingTools("bash", "flock"); tool != "" {
		return tool + " is not on PATH (to run .ci/alertmanager.sh, which locks its build)"
	}
	return ""
}
