package icingatest

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

// debianBinary is where Debian's icinga2 package installs the daemon (a shell
// wrapper that execs /usr/lib/<triplet>/icinga2/sbin/icinga2).
const debianBinary = "/usr/sbin/icinga2"

// installMu keeps the tests of one process from running the install script
// twice at once (the script also locks against other processes).
var installMu sync.Mutex

// unavailable ends a test that cannot get a real Icinga 2: it fails when
// CI=true (Icinga 2 is required there) and skips otherwise.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("icingatest: a real Icinga 2 is required when CI=true but cannot run here: "+format, args...)
	}
	t.Skipf("icingatest: skipping, cannot run a real Icinga 2 here: "+format, args...)
}

// findBinary returns Debian's icinga2, or the one on PATH; "" if there is none.
func findBinary() string {
	if fi, err := os.Stat(debianBinary); err == nil && fi.Mode()&0o111 != 0 {
		return debianBinary
	}
	if p, err := exec.LookPath("icinga2"); err == nil {
		return p
	}
	return ""
}

// binary returns the icinga2 to run: $WARROOM_ICINGA2, Debian's or the one on
// PATH, running .ci/icinga2.sh first when there is none. It skips or fails
// the test (see unavailable) when that cannot be done here.
func binary(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		unavailable(t, "icingatest runs Icinga 2 on Linux only, this is %s", runtime.GOOS)
	}
	if p := os.Getenv("WARROOM_ICINGA2"); p != "" {
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			unavailable(t, "WARROOM_ICINGA2=%s is not an executable file", p)
		}
		return p
	}
	installMu.Lock()
	defer installMu.Unlock()
	if p := findBinary(); p != "" {
		return p
	}
	if p := scriptProblem(); p != "" {
		unavailable(t, "icinga2 is not installed and %s", p)
	}
	root, err := repoRoot()
	if err != nil {
		unavailable(t, "icinga2 is not installed and the repository root (for .ci/icinga2.sh) is not found: %v", err)
	}
	script := filepath.Join(root, ".ci", "icinga2.sh")
	t.Logf("icingatest: icinga2 is not installed; running %s (apt-get install --no-install-recommends icinga2, about 10 s)", script)
	start := time.Now()
	var out bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		unavailable(t, "%s failed (%v); its last output:\n%s", script, err, peerproc.LastLines(out.String(), 30))
	}
	t.Logf("icingatest: %s took %v; its last output:\n%s", script, time.Since(start).Round(time.Second/10), peerproc.LastLines(out.String(), 4))
	p := findBinary()
	if p == "" {
		unavailable(t, "%s ran but there is no icinga2 at %s or on PATH", script, debianBinary)
	}
	return p
}

// scriptProblem says why .ci/icinga2.sh cannot install Icinga 2 here, or ""
// if it can.
func scriptProblem() string {
	if _, err := exec.LookPath("bash"); err != nil {
		return "bash is not on PATH (to run .ci/icinga2.sh)"
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "apt-get is not available to install it"
	}
	if os.Geteuid() != 0 {
		return "installing it (apt-get install -y --no-install-recommends icinga2) needs root"
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
