package promtest

import (
	"os"
	"runtime"
	"testing"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// debianBinary is where Debian's prometheus package installs the server.
const debianBinary = "/usr/bin/prometheus"

// installer finds the prometheus to run: $WARROOM_PROMETHEUS, the one on
// PATH or Debian's, running .ci/prometheus.sh first when there is none.
var installer = &peerproc.Installer{
	Harness: "promtest", Peer: "Prometheus", Env: "WARROOM_PROMETHEUS",
	Find: func() string {
		if p := peerproc.FirstExecutable(nil, "prometheus"); p != "" {
			return p
		}
		return peerproc.FirstExecutable([]string{debianBinary})
	},
	Script: "prometheus.sh", Does: "apt-get install prometheus, about 15 s",
	Problem: scriptProblem,
}

// binary returns the prometheus to run; it skips or fails the test (see
// peerproc.Unavailable) when that cannot be done here.
func binary(t testing.TB) string {
	t.Helper()
	return installer.Path(t)
}

// scriptProblem says why .ci/prometheus.sh cannot install Prometheus here,
// or "" if it can.
func scriptProblem() string {
	if runtime.GOOS != "linux" {
		return "installing it needs Linux, this is " + runtime.GOOS
	}
	if tool := peerproc.MissingTools("bash", "apt-get"); tool != "" {
		return tool + " is not available to run .ci/prometheus.sh (apt-get install -y prometheus)"
	}
	if os.Geteuid() != 0 {
		return "installing it (apt-get install -y prometheus) needs root"
	}
	return ""
}
