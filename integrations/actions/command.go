package actions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/warroom/warroom/incident"
)

// command runs a local program with its arguments as a list (no shell),
// in a process group of its own that is killed whole when ctx ends, and
// keeps the first MaxOutput bytes of what it prints.
func (e *Executor) command(ctx context.Context, a *action, d data) (incident.ActionResult, error) {
	c := a.cfg.Command
	args := make([]string, len(c.Args))
	for i := range c.Args {
		v, err := a.render(fmt.Sprintf("arg.%d", i), d)
		if err != nil {
			return incident.ActionResult{}, err
		}
		args[i] = v
	}
	res := incident.ActionResult{Ran: showArgv(c.Path, args)}
	cmd := exec.Command(c.Path, args...)
	cmd.Dir = c.Dir
	cmd.Env = os.Environ()
	names := make([]string, 0, len(c.Env))
	for k := range c.Env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v, err := a.render("env."+k, d)
		if err != nil {
			return res, err
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out := &capped{max: MaxOutput}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Once killed, wait at most a little for output a grandchild holds open.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("start %s: %w", c.Path, err)
	}
	done := make(chan struct{})
	killed := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			// The whole group: a script's children go too.
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			close(killed)
		case <-done:
		}
	}()
	waitErr := cmd.Wait()
	close(done)
	res.Output, res.Truncated = out.bytes()
	select {
	case <-killed:
		res.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
		res.Status = "killed"
		return res, nil
	default:
	}
	var exit *exec.ExitError
	switch {
	case waitErr == nil:
		res.OK, res.Status = true, "exit status 0"
	case errors.As(waitErr, &exit):
		res.Status = exit.ProcessState.String()
	default:
		return res, fmt.Errorf("wait for %s: %w", c.Path, waitErr)
	}
	return res, nil
}

// showArgv writes an argument list so that each argument reads as one:
// quoted where it holds spaces or quotes.
func showArgv(path string, args []string) string {
	parts := []string{path}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`;|&<>(){}*?") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// capped keeps the first max bytes written to it and counts the rest.
type capped struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	dropped int
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.max - len(c.buf)
	if room > len(p) {
		room = len(p)
	}
	if room > 0 {
		c.buf = append(c.buf, p[:room]...)
	}
	c.dropped += len(p) - max(room, 0)
	return len(p), nil
}

func (c *capped) bytes() ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped > 0 {
		return append(c.buf, fmt.Sprintf("\n[warroom: %d more bytes of output were dropped]\n", c.dropped)...), true
	}
	return c.buf, false
}
