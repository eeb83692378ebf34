// Package icingatest runs a real Icinga 2 for tests: Debian's 2.13 (installed
// by .ci/icinga2.sh when missing), one private instance per Start, with its
// own configuration, state, cache, log and run directories under the test's
// temporary directory, its own API certificate and an API listener on a free
// 127.0.0.1 port. It never reads or writes /etc/icinga2 or /var/lib/icinga2,
// so tests may run in parallel and next to a system Icinga 2.
//
//	srv := icingatest.Start(t) // skips, or fails when CI=true, if it cannot run here
//	cfg := icinga2.Config{URL: srv.URL, User: srv.User, Password: srv.Password, CAFile: srv.CAFile}
//	srv.SetServiceState(t, icingatest.Host, icingatest.Service, 2, "HTTP CRITICAL - 503")
//
// Each instance has exactly one host, "web1" (check_command "dummy", active
// checks off), and one service, "web1!http" (max_check_attempts = 1, active
// checks off, passive on), so a passive result is a HARD state at once and
// nothing else ever changes state. The ApiUser in User/Password has only the
// permissions an event-stream consumer that acknowledges problems needs (see
// UserPermissions); the helpers act as a separate, all-powerful ApiUser, the
// way Icinga Web 2 or a monitoring plugin would.
//
// The instance is stopped (SIGTERM to its PID, its process group killed if it
// lingers) and its directory removed when the test ends.
package icingatest
