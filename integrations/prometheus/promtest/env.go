package promtest

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

// debianBinary is where Debian's prometheus package installs the server.
const debianBinary = "/usr/bin/prometheus"

// installMu keeps the tests of one process from running the install script
// twice at once (the script also locks against other processes).
var installMu sync.Mutex

// unavailable ends a test that cannot get a real Prometheus: it fails when
// CI=true (Prometheus is required there) and skips otherwise.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("promtest: a real Prometheus is required when CI=true but cannot run here: "+format, args...)
	}
	t.Skipf("promtest: skipping, cannot run a real Prometheus here: "+format, args...)
}

// findBinary returns the prometheus on PATH, or Debian's; "" if there is none.
func findBinary() string {
	if p, err := exec.LookPath("prometheus"); err == nil {
		return p
	}
	if fi, err := os.Stat(debianBinary); err == nil && fi.Mode()&0o111 != 0 {
		return debianBinary
	}
	return ""
}

// binary returns the prometheus to run: $WARROOM_PROMETHEUS, the one on
// PATH or Debian's, running .ci/prometheus.sh first when there is none. It skips or fails the test (see unavailable) when that
// cannot be done here.
func binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("WARROOM_PROMETHEUS"); p != "" {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			unavailable(t, "WARROOM_PROMETHEUS=%s is not an executable file", p)
		}
		return p
	}
	installMu.Lock()
	defer installMu.Unlock()
	if p := findBinary(); p != "" {
		return p
	}
	if p := scriptProblem(); p != "" {
		unavailable(t, "prometheus is not installed and %s", p)
	}
	root, err := repoRoot()
	if err != nil {
		unavailable(t, "prometheus is not installed and the repository root (for .ci/prometheus.sh) is not found: %v", err)
	}
	script := filepath.Join(root, ".ci", "prometheus.sh")
	t.Logf("promtest: prometheus is not installed; running %s (apt-get install prometheus, about 15 s)", script)
	start := time.Now()
	var out bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		unavailable(t, "%s failed (%v); its last output:\n%s", script, err, peerproc.LastLines(out.String(), 30))
	}
	t.Logf("promtest: %s took %v; its last output:\n%s", script, time.Since(start).Round(time.Second/10), peerproc.LastLines(out.String(), 4))
	p := findBinary()
	if p == "" {
		unavailable(t, "%s ran but no prometheus binary is on PATH or at %s", script, debianBinary)
	}
	return p
}

// scriptProblem says why .ci/prometheus.sh cannot install Prometheus here,
// or "" if it can.
func scriptProblem() string {
	if runtime.GOOS != "linux" {
		return "installing it needs Linux, this is " + runtime.GOOS
	}
	if _, err := exec.LookPath("bash"); err != nil {
		return "bash is not on PATH (to run .ci/prometheus.sh)"
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "apt-get is not available to install it"
	}
	if os.Geteuid() != 0 {
		return "installing it (apt-get install -y prometheus) needs root"
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
