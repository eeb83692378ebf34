package icingatest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// portsMu guards portsInUse, the API ports of this process's live instances.
var (
	portsMu    sync.Mutex
	portsInUse = map[int]bool{}
)

// reservePort returns a TCP port on 127.0.0.1 that was free a moment ago and
// is not used by another instance of this process; releasePort gives it back.
//
// Icinga 2 binds its API with SO_REUSEPORT, so a second icinga2 on the same
// port starts without error and the kernel splits connections between the
// two. Hence this registry, and the check after start (listeners).
func reservePort() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !portsInUse[port] {
			portsInUse[port] = true
			return port, nil
		}
	}
	return 0, errors.New("no free port after 20 tries")
}

func releasePort(port int) {
	portsMu.Lock()
	delete(portsInUse, port)
	portsMu.Unlock()
}

// listeners counts the sockets listening on 127.0.0.1:port (from
// /proc/net/tcp); more than one means another process shares the port.
func listeners(port int) (int, error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	local := fmt.Sprintf("0100007F:%04X", port) // 127.0.0.1, little-endian address, hex port
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local_address rem_address st ...; st 0A is LISTEN
		if len(fields) > 3 && fields[1] == local && fields[3] == "0A" {
			n++
		}
	}
	return n, sc.Err()
}

// process is a started icinga2 whose exit is observed in the background.
// icinga2 runs as three processes (an umbrella that handles reloads, the
// worker, and a process-spawn helper); the umbrella is ours and leads its own
// process group, so the group can be killed if it does not stop.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the umbrella process has exited
	err  error         // exit status, valid once done is closed
}

// startProcess starts cmd in a new process group, so that it receives SIGTERM
// if the test process dies without running its cleanups, and watches for its
// exit.
func startProcess(cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// pid is the umbrella's PID, which is also the process group's ID.
func (p *process) pid() int { return p.cmd.Process.Pid }

// exited reports whether the umbrella process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// groupAlive reports whether a process of the group is still running.
func (p *process) groupAlive() bool {
	return len(groupMembers(p.pid())) > 0
}

// groupMembers lists the processes of process group pgid that have not
// exited, from /proc. Zombies do not count: the spawn helper outlives the
// worker for a moment and is then reaped by init, which may take a while.
func groupMembers(pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
		rest := string(b)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}

// stop sends SIGTERM to the umbrella (which stops the worker and helper),
// waits up to grace for the whole group to go, then kills what is left of the
// group. It reports whether everything stopped within the grace period.
func (p *process) stop(grace time.Duration) bool {
	if !p.exited() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.After(grace)
	select {
	case <-p.done:
	case <-deadline:
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
		<-p.done
		return false
	}
	// The umbrella has exited; give its children the rest of the grace period.
	for p.groupAlive() {
		select {
		case <-deadline:
			_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	return true
}
