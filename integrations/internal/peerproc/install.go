package peerproc

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
)

// Installer finds a real peer program for the tests, or installs it with
// its script under .ci/ (which locks against other processes). When the
// peer cannot be had here, the test is skipped, or failed when CI=true:
// CI must run against the real thing. The harnesses (amtest, promtest,
// icingatest, mmtest) each keep one Installer.
type Installer struct {
	Harness string // the harness package, e.g. "amtest": the prefix of every message
	Peer    string // the peer's name, e.g. "Alertmanager"
	// Env names a variable that may hold the peer's executable, used
	// instead of anything else ("" for none).
	Env string
	// Find returns the installed peer (an executable or a directory), or
	// "" when there is none yet.
	Find func() string
	// Script is the file under .ci/ that installs the peer, e.g.
	// "alertmanager.sh"; Does says what it does, for the log ("go install
	// alertmanager@v0.31.1, about 45 s").
	Script string
	Does   string
	// Problem says why the script cannot run here, or "" when it can.
	Problem func() string
	// Reports says the script's last line of output names what it
	// installed, which Valid must accept; otherwise Find is asked again.
	Reports bool
	Valid   func(string) bool
	// Progress logs the script's "==> " lines as they come (a long build).
	Progress bool

	mu sync.Mutex // one install at a time within this process
}

// Path returns the peer to run: $Env, the installed one, or what the script
// installs. It ends the test (see Unavailable) when that cannot be done.
func (in *Installer) Path(t testing.TB) string {
	t.Helper()
	if in.Env != "" {
		if p := os.Getenv(in.Env); p != "" {
			if !IsExecutable(p) {
				in.Unavailable(t, "%s=%s is not an executable file", in.Env, p)
			}
			return p
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if p := in.Find(); p != "" {
		return p
	}
	if p := in.Problem(); p != "" {
		in.Unavailable(t, "it is not installed and %s", p)
	}
	root, err := RepoRoot()
	if err != nil {
		in.Unavailable(t, "it is not installed and the repository root (for .ci/%s) is not found: %v", in.Script, err)
	}
	script := filepath.Join(root, ".ci", in.Script)
	t.Logf("%s: %s is not installed; running %s (%s)", in.Harness, in.Peer, script, in.Does)
	start := time.Now()
	out := &scriptOutput{t: t, harness: in.Harness, progress: in.Progress}
	errOut := &scriptOutput{t: t, harness: in.Harness, progress: in.Progress}
	cmd := exec.Command("bash", script)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = out, errOut // the last line of stdout names what was installed
	if err := cmd.Run(); err != nil {
		in.Unavailable(t, "%s failed (%v); its last output:\n%s\n%s", script, err, out.tail(10), errOut.tail(30))
	}
	t.Logf("%s: %s took %v; its last output:\n%s", in.Harness, script, time.Since(start).Round(time.Second/10), out.tail(4))
	if !in.Reports {
		p := in.Find()
		if p == "" {
			in.Unavailable(t, "%s ran but %s is still not found", script, in.Peer)
		}
		return p
	}
	p := strings.TrimSpace(out.tail(1))
	if !in.Valid(p) {
		in.Unavailable(t, "%s ran but its last line %q does not name an installed %s", script, p, in.Peer)
	}
	return p
}

// Unavailable ends a test that cannot get the real peer: it fails when
// CI=true (the peer is required there) and skips otherwise.
func (in *Installer) Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	Unavailable(t, in.Harness, in.Peer, format, args...)
}

// Unavailable ends a test of harness that cannot get a real peer: it fails
// when CI=true (the peer is required there) and skips otherwise.
func Unavailable(t testing.TB, harness, peer, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(harness+": a real "+peer+" is required when CI=true but cannot run here: "+format, args...)
	}
	t.Skipf(harness+": skipping, cannot run a real "+peer+" here: "+format, args...)
}

// CacheDir is where the .ci scripts keep what they build: $WARROOM_CACHE,
// or $HOME/.cache/warroom, followed by name.
func CacheDir(name string) (string, error) {
	root := os.Getenv("WARROOM_CACHE")
	if root == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		root = filepath.Join(home, ".cache", "warroom")
	}
	return filepath.Join(root, name), nil
}

// IsExecutable reports whether p is an executable regular file.
func IsExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// FirstExecutable returns the first of paths that is an executable file,
// else the first of names found on PATH; "" when there is none.
func FirstExecutable(paths []string, names ...string) string {
	for _, p := range paths {
		if IsExecutable(p) {
			return p
		}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// RepoRoot walks up from the working directory to the directory holding go.mod.
func RepoRoot() (string, error) {
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

// MissingTools names the first of tools that is not on PATH, or "".
func MissingTools(tools ...string) string {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			return tool
		}
	}
	return ""
}

// scriptOutput collects a script's output and, with progress, logs its
// "==> " lines as they arrive.
type scriptOutput struct {
	t        testing.TB
	harness  string
	progress bool
	mu       sync.Mutex
	all      bytes.Buffer
	partial  []byte
}

// Write implements io.Writer.
func (o *scriptOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.all.Write(p)
	if !o.progress {
		return len(p), nil
	}
	o.partial = append(o.partial, p...)
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		line := string(o.partial[:i])
		o.partial = o.partial[i+1:]
		if strings.HasPrefix(line, "==> ") {
			o.t.Logf("%s: %s", o.harness, strings.TrimPrefix(line, "==> "))
		}
	}
	return len(p), nil
}

// tail returns the last n lines of the output.
func (o *scriptOutput) tail(n int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return LastLines(o.all.String(), n)
}
