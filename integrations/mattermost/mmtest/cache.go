package mmtest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// cacheName is the directory, under the cache root, holding the Mattermost 9.9 build.
const cacheName = "mattermost-9.9.0"

// buildMu keeps the tests of one process from running the build script twice at once
// (the script also locks against other processes).
var buildMu sync.Mutex

// cacheDir is where .ci/mattermost.sh puts the build: $WARROOM_CACHE, or
// $HOME/.cache/warroom, followed by cacheName.
func cacheDir() (string, error) {
	root := os.Getenv("WARROOM_CACHE")
	if root == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, ".cache", "warroom")
	}
	return filepath.Join(root, cacheName), nil
}

// isBuilt reports whether dir holds a complete build (the script moves it in atomically).
func isBuilt(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "bin", "mattermost"))
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
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

// ensureBuild returns the directory of the cached Mattermost build, running
// .ci/mattermost.sh first when the build or PostgreSQL is missing. It skips or fails the
// test (see unavailable) when that cannot be done here.
func ensureBuild(t testing.TB) string {
	t.Helper()
	dir, err := cacheDir()
	if err != nil {
		unavailable(t, "no cache directory: %v", err)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if isBuilt(dir) && postgresInstalled() {
		return dir
	}
	if p := scriptProblem(); p != "" {
		unavailable(t, "%s", p)
	}
	root, err := repoRoot()
	if err != nil {
		unavailable(t, "cannot find the repository root to run .ci/mattermost.sh: %v", err)
	}
	script := filepath.Join(root, ".ci", "mattermost.sh")
	if _, err := os.Stat(script); err != nil {
		unavailable(t, "%v", err)
	}

	t.Logf("mmtest: running %s (builds Mattermost 9.9 once, a few minutes)", script)
	start := time.Now()
	out := &scriptOutput{t: t}
	cmd := exec.Command("bash", script)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		unavailable(t, ".ci/mattermost.sh failed (%v); its last output:\n%s", err, out.tail(40))
	}
	if last := out.lastLine(); last != "" {
		dir = last
	}
	if !isBuilt(dir) {
		unavailable(t, ".ci/mattermost.sh finished but %s/bin/mattermost is missing", dir)
	}
	t.Logf("mmtest: .ci/mattermost.sh done in %v, build in %s", time.Since(start).Round(time.Millisecond), dir)
	return dir
}

// scriptOutput collects the script's output and logs its progress lines ("==> ...") as
// they arrive.
type scriptOutput struct {
	t       testing.TB
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
}

// Write implements io.Writer.
func (o *scriptOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.all.Write(p)
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		line := string(o.partial[:i])
		o.partial = o.partial[i+1:]
		if strings.HasPrefix(line, "==> ") {
			o.t.Logf("%s", strings.TrimPrefix(line, "==> "))
		}
	}
	return len(p), nil
}

// tail returns the last n lines of the output.
func (o *scriptOutput) tail(n int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return peerproc.LastLines(o.all.String(), n)
}

// lastLine returns the last non-empty line of the output.
func (o *scriptOutput) lastLine() string {
	return strings.TrimSpace(o.tail(1))
}
