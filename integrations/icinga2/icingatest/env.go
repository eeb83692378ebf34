package icingatest

import (
	"os"
	"runtime"
	"testing"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

// debianBinary is where Debian's icinga2 package installs the daemon (a shell
// wrapper that execs /usr/lib/<triplet>/icinga2/sbin/icinga2).
const debianBinary = "/usr/sbin/icinga2"

// installer finds the icinga2 to run: $WARROOM_ICINGA2, Debian's or the one
// on PATH, running .ci/icinga2.sh first when there is none.
var installer = &peerproc.Installer{
	Harness: "icingatest", Peer: "Icinga 2", Env: "WARROOM_ICINGA2",
	Find:   func() string { return peerproc.FirstExecutable([]string{debianBinary}, "icinga2") },
	Script: "icinga2.sh", Does: "apt-get install --no-install-recommends icinga2, about 10 s",
	Problem: scriptProblem,
}

// binary returns the icinga2 to run; it skips or fails the test (see
// peerproc.Unavailable) when that cannot be done here.
func binary(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		installer.Unavailable(t, "icingatest runs Icinga 2 on Linux only, this is %s", runtime.GOOS)
	}
	return installer.Path(t)
}

// scriptProblem says why .ci/icinga2.sh cannot install Icinga 2 here, or ""
// if it can.
func scriptProblem() string {
	if tool := peerproc.MissingTools("bash", "apt-get"); tool != "" {
		return tool + " is not available to run .ci/icinga2.sh (apt-get install -y --no-install-recommends icinga2)"
	}
	if os.Geteuid() != 0 {
		return "installing it (apt-get install -y --no-install-recommends icinga2) needs root"
	}
	return ""
}
