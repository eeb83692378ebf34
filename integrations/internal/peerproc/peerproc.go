// Package peerproc runs the real peers the integration tests start (Alertmanager,
// Prometheus, PostgreSQL, Mattermost) as child processes: a free port, a process
// whose exit is watched, a bounded stop, and the tail of its output.
package peerproc

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
// Another process may take it before the peer binds it: start peers with
// OnFreePort, which tries again then. (A server in the test's own process
// needs no port number: hand it an open listener instead.)
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// clashTries bounds how often OnFreePort tries a fresh port.
const clashTries = 3

// OnFreePort calls start with a port that was free a moment ago, and again
// with a fresh one while start's error says the port was taken meanwhile
// (PortTaken), at most three times: a peer program binds its port itself,
// so it cannot be handed a listener kept open.
func OnFreePort[T any](start func(port int) (T, error)) (T, error) {
	var zero T
	var err error
	for range clashTries {
		var port int
		if port, err = FreePort(); err != nil {
			return zero, fmt.Errorf("find a free port: %w", err)
		}
		var v T
		if v, err = start(port); err == nil || !PortTaken(err) {
			return v, err
		}
	}
	return zero, fmt.Errorf("%d fresh ports were all taken before the peer bound them: %w", clashTries, err)
}

// PortTaken reports whether err (a start's error, with the peer's log)
// says that the port was in use: Go's "address already in use",
// PostgreSQL's "Address already in use".
func PortTaken(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "address already in use")
}

// Process is a started child process whose exit is observed in the background.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // exit status, valid once done is closed
}

// Start starts cmd so that it receives SIGTERM if the test process dies
// without running its cleanups, and watches for its exit.
func Start(cmd *exec.Cmd) (*Process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// PID is the process ID.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Err is the exit status once the process has exited, else nil.
func (p *Process) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Stop sends sig, waits up to grace for the exit, then kills the process.
// It reports whether the process exited within the grace period.
func (p *Process) Stop(sig os.Signal, grace time.Duration) bool {
	if p.Exited() {
		return true
	}
	_ = p.cmd.Process.Signal(sig)
	return p.Wait(grace)
}

// Wait waits up to grace for the exit, then kills the process.
// It reports whether the process exited within the grace period.
func (p *Process) Wait(grace time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return false
	}
}

// TailFile returns the last n lines of the file at path (or why it cannot be read).
func TailFile(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(cannot read " + path + ": " + err.Error() + ")"
	}
	return LastLines(string(b), n)
}

// LastLines returns the last n lines of s.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
