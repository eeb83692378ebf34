package peerproc_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// endingTB records how a test would end: Fatalf and Skipf stop the
// goroutine, as testing's do, after noting which was called and why.
type endingTB struct {
	testing.TB
	how, msg string
}

func (e *endingTB) Helper()                         {}
func (e *endingTB) Logf(format string, args ...any) {}
func (e *endingTB) Fatalf(format string, args ...any) {
	e.how, e.msg = "fail", fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (e *endingTB) Skipf(format string, args ...any) {
	e.how, e.msg = "skip", fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// path runs in.Path like a test would, returning the path or how it ended.
func path(t *testing.T, in *peerproc.Installer) (string, *endingTB) {
	e := &endingTB{TB: t}
	got := make(chan string, 1)
	go func() {
		defer close(got)
		got <- in.Path(e)
	}()
	return <-got, e
}

// writeExecutable writes a shell script at p.
func writeExecutable(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestInstallerPath: the env variable wins, then what is installed, then
// the script; a peer that cannot be had skips the test, or fails it when
// CI=true.
func TestInstallerPath(t *testing.T) {
	repo := t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	peer := filepath.Join(repo, "cache", "bin", "peer")
	writeExecutable(t, filepath.Join(repo, ".ci", "peer.sh"), fmt.Sprintf(
		"mkdir -p %s && printf '#!/bin/sh\\n' > %s && chmod +x %s && echo 'progress' >&2 && echo %s\n", filepath.Dir(peer), peer, peer, peer))
	writeExecutable(t, filepath.Join(repo, ".ci", "broken.sh"), "echo 'cannot download' >&2; exit 3\n")
	other := filepath.Join(repo, "other-peer")
	writeExecutable(t, other, "")
	installed := func() string {
		if peerproc.IsExecutable(peer) {
			return peer
		}
		return ""
	}
	noProblem := func() string { return "" }
	tests := []struct {
		name     string
		env, ci  string
		in       *peerproc.Installer
		want     string // the path, or how the test ends: "skip: ..." / "fail: ..."
		wantPeer bool   // the script installed the peer
	}{
		{name: "env names an executable", env: other, in: &peerproc.Installer{Find: installed}, want: other},
		{name: "env names nothing runnable", env: filepath.Join(repo, "missing"), in: &peerproc.Installer{Find: installed},
			want: "skip: skipping, cannot run a real test peer here: WARROOM_TESTPEER=" + filepath.Join(repo, "missing") + " is not an executable file"},
		{name: "env names nothing runnable under CI", env: filepath.Join(repo, "missing"), ci: "true", in: &peerproc.Installer{Find: installed},
			want: "fail: required when CI=true but cannot run here: WARROOM_TESTPEER="},
		{name: "script cannot run here", in: &peerproc.Installer{Find: installed, Problem: func() string { return "it needs root" }},
			want: "skip: it is not installed and it needs root"},
		{name: "script cannot run here under CI", ci: "true", in: &peerproc.Installer{Find: installed, Problem: func() string { return "it needs root" }},
			want: "fail: it is not installed and it needs root"},
		{name: "script fails", in: &peerproc.Installer{Find: installed, Problem: noProblem, Script: "broken.sh"},
			want: "skip: " + filepath.Join(repo, ".ci", "broken.sh") + " failed (exit status 3); its last output:\n\ncannot download"},
		{name: "script installs and reports", in: &peerproc.Installer{Find: installed, Problem: noProblem, Script: "peer.sh", Reports: true, Valid: peerproc.IsExecutable},
			want: peer, wantPeer: true},
		{name: "script installs, found again", in: &peerproc.Installer{Find: installed, Problem: noProblem, Script: "peer.sh"},
			want: peer, wantPeer: true},
		{name: "installed already", in: &peerproc.Installer{Find: func() string { return other }, Problem: func() string { return "never asked" }},
			want: other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.RemoveAll(filepath.Dir(filepath.Dir(peer)))
			t.Setenv("CI", tt.ci)
			t.Setenv("WARROOM_TESTPEER", tt.env)
			in := tt.in
			in.Harness, in.Peer, in.Env = "peertest", "test peer", "WARROOM_TESTPEER"
			got, e := path(t, in)
			how, msg, ends := strings.Cut(tt.want, ": ")
			switch {
			case ends && (e.how != how || !strings.Contains(e.msg, msg)):
				t.Errorf("Path ended with %s %q, want %s with %q", e.how, e.msg, how, msg)
			case ends && !strings.HasPrefix(e.msg, "peertest: ") || ends && !strings.Contains(e.msg, "test peer"):
				t.Errorf("the message %q does not name the harness and the peer", e.msg)
			case !ends && (e.how != "" || got != tt.want):
				t.Errorf("Path gave %q (ended: %s %q), want %q", got, e.how, e.msg, tt.want)
			}
			if tt.wantPeer != peerproc.IsExecutable(peer) {
				t.Errorf("the peer is installed: %v, want %v", peerproc.IsExecutable(peer), tt.wantPeer)
			}
		})
	}
}
