package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// replicaSet is warroom replicas running as OS processes of the warroom
// binary on one database, each on a port of its own that it keeps across
// restarts (as a load balancer's target would), so that a test can kill
// one with SIGKILL (no shutdown, no deferred code, leases not released)
// and start it again.
type replicaSet struct {
	t      testing.TB
	bin    string
	env    []string // WARROOM_ variables every replica gets
	logDir string

	mu     sync.Mutex
	slots  []*replicaSlot
	starts int // processes started so far, for the log file names
}

// replicaSlot is one replica: its port and, while it runs, its process.
type replicaSlot struct {
	addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	log    string // the current process's log file
}

// startReplicas starts n replicas of bin with env (besides the listen
// address, each replica's own) and waits until each is ready.
func startReplicas(t testing.TB, bin string, n int, env ...string) *replicaSet {
	t.Helper()
	rs := &replicaSet{t: t, bin: bin, env: env, logDir: t.TempDir()}
	if *chaosLogs != "" { // kept after the test, to read by hand
		rs.logDir = filepath.Join(*chaosLogs, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(rs.logDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		rs.slots = append(rs.slots, &replicaSlot{addr: addr})
	}
	t.Cleanup(rs.killAll)
	for i := range n {
		if err := rs.start(i); err != nil {
			t.Fatal(err)
		}
	}
	return rs
}

// url is replica i's base URL.
func (rs *replicaSet) url(i int) string { return "http://" + rs.slots[i].addr }

// start runs replica i's process and waits (up to 30 s) until /readyz
// answers 200; a process that exits first is an error with its log's end.
func (rs *replicaSet) start(i int) error {
	rs.mu.Lock()
	s := rs.slots[i]
	rs.starts++
	s.log = filepath.Join(rs.logDir, fmt.Sprintf("replica%d-%03d.log", i, rs.starts))
	rs.mu.Unlock()
	logFile, err := os.Create(s.log)
	if err != nil {
		return err
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(rs.bin, "serve")
	cmd.Env = append(append(os.Environ(), rs.env...), "WARROOM_LISTEN="+s.addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // the test binary's death takes it along
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start replica %d: %w", i, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	rs.mu.Lock()
	s.cmd, s.exited = cmd, exited
	rs.mu.Unlock()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			return fmt.Errorf("replica %d exited before it was ready; end of %s:\n%s", i, s.log, tailFile(s.log, 20))
		default:
		}
		if resp, err := client.Get(rs.url(i) + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("replica %d not ready within 30s; end of %s:\n%s", i, s.log, tailFile(s.log, 20))
		}
		time.Sleep(20 * time.Millisecond) // polling readiness, with a deadline
	}
}

// pid is the process id of replica i (0 while it is down).
func (rs *replicaSet) pid(i int) int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.slots[i].cmd == nil {
		return 0
	}
	return rs.slots[i].cmd.Process.Pid
}

// kill sends replica i SIGKILL and waits until it is gone.
func (rs *replicaSet) kill(i int) {
	rs.mu.Lock()
	s := rs.slots[i]
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	rs.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
}

// restart kills replica i and starts it again on its port.
func (rs *replicaSet) restart(i int) error {
	rs.kill(i)
	return rs.start(i)
}

func (rs *replicaSet) killAll() {
	for i := range rs.slots {
		rs.kill(i)
	}
}

// logs lists every log file written so far, oldest first.
func (rs *replicaSet) logs() []string {
	files, _ := filepath.Glob(filepath.Join(rs.logDir, "replica*.log"))
	return files
}

// grepLogs returns up to max log lines (of every process so far) that
// contain one of subs, each prefixed with its file's name.
func (rs *replicaSet) grepLogs(max int, subs ...string) []string {
	var out []string
	for _, f := range rs.logs() {
		file, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(file)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() && len(out) < max {
			for _, s := range subs {
				if strings.Contains(sc.Text(), s) {
					out = append(out, filepath.Base(f)+": "+sc.Text())
					break
				}
			}
		}
		file.Close()
	}
	return out
}

// tailFile returns the last n lines of a file.
func tailFile(path string, n int) string {
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
