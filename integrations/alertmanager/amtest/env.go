package amtest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// installMu keeps the tests of one process from running the build script
// twice at once (the script also locks against other processes).
var installMu sync.Mutex

// unavailable ends a test that cannot get a real Alertmanager: it fails when
// CI=true (Alertmanager is required there) and skips otherwise.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("amtest: a real Alertmanager is required when CI=true but cannot run here: "+format, args...)
	}
	t.Skipf("amtest: skipping, cannot run a real Alertmanager here: "+format, args...)
}

// cachedBinary is where .ci/alertmanager.sh puts the binary it builds.
func cachedBinary() (string, error) {
	root := os.Getenv("WARROOM_CACHE")
	if root == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, ".cache", "warroom")
	}
	return filepath.Join(root, "alertmanager-0.31.1", "bin", "alertmanager"), nil
}

// isExecutable reports whether p is an executable regular file.
func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// binary returns the alertmanager to run: $WARROOM_ALERTMANAGER, the cached
// build, or what .ci/alertmanager.sh reports after building it (or, when the
// build fails, after installing Debian's package). It skips or fails the test
// (see unavailable) when that cannot be done here.
func binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("WARROOM_ALERTMANAGER"); p != "" {
		if !isExecutable(p) {
			unavailable(t, "WARROOM_ALERTMANAGER=%s is not an executable file", p)
		}
		return p
	}
	cached, err := cachedBinary()
	if err != nil {
		unavailable(t, "no cache directory (set WARROOM_CACHE): %v", err)
	}
	installMu.Lock()
	defer installMu.Unlock()
	if isExecutable(cached) {
		return cached
	}
	if p := scriptProblem(); p != "" {
		unavailable(t, "%s is not built and %s", cached, p)
	}
	root, err := repoRoot()
	if err != nil {
		unavailable(t, "%s is not built and the repository root (for .ci/alertmanager.sh) is not found: %v", cached, err)
	}
	script := filepath.Join(root, ".ci", "alertmanager.sh")
	t.Logf("amtest: %s is not built; running %s (go install alertmanager@v0.31.1, about 45 s)", cached, script)
	start := time.Now()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		unavailable(t, "%s failed (%v); its last output:\n%s\n%s", script, err,
			peerproc.LastLines(stdout.String(), 10), peerproc.LastLines(stderr.String(), 30))
	}
	t.Logf("amtest: %s took %v; its last output:\n%s", script, time.Since(start).Round(time.Second/10), peerproc.LastLines(stdout.String(), 4))
	p := peerproc.LastLines(stdout.String(), 1)
	if !isExecutable(p) {
		unavailable(t, "%s ran but its last line %q is not an executable alertmanager", script, p)
	}
	if p != cached {
		t.Logf("amtest: WARNING: using %s, not Alertmanager 0.31.1 (the script fell back to Debian's package)", p)
	}
	return p
}

// scriptProblem says why .ci/alertmanager.sh cannot build Alertmanager here,
// or "" if it can.
func scriptProblem() string {
	if runtime.GOOS != "linux" {
		return "building it needs Linux, this is " + runtime.GOOS
	}
	if _, err := exec.LookPath("bash"); err != nil {
		return "bash is not on PATH (to run .ci/alertmanager.sh)"
	}
	if _, err := exec.LookPath("flock"); err != nil {
		return "flock is not on PATH (.ci/alertmanager.sh locks its build)"
	}
	return ""
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
