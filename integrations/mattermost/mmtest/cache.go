package mmtest

import (
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// cacheName is the directory, under the cache root, holding the Mattermost 9.9 build.
const cacheName = "mattermost-9.9.0"

// isBuilt reports whether dir holds a complete build (the script moves it in atomically).
func isBuilt(dir string) bool {
	return peerproc.IsExecutable(filepath.Join(dir, "bin", "mattermost"))
}

// installer finds the cached Mattermost build (and PostgreSQL), running
// .ci/mattermost.sh first when either is missing; the script's last line is
// the build directory.
var installer = &peerproc.Installer{
	Harness: "mmtest", Peer: "Mattermost 9.9 server",
	Find: func() string {
		dir, err := peerproc.CacheDir(cacheName)
		if err != nil || !isBuilt(dir) || !postgresInstalled() {
			return ""
		}
		return dir
	},
	Script: "mattermost.sh", Does: "builds Mattermost 9.9 once, a few minutes",
	Problem: scriptProblem,
	Reports: true, Valid: isBuilt, Progress: true,
}

// ensureBuild returns the directory of the cached Mattermost build. It skips
// or fails the test (see unavailable) when that cannot be had here.
func ensureBuild(t testing.TB) string {
	t.Helper()
	return installer.Path(t)
}

// unavailable ends a test that cannot get a real server: it fails when CI=true (the
// server is required there) and skips otherwise.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	installer.Unavailable(t, format, args...)
}
