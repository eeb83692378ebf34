package peerproc_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/peerproc"
)

func TestLastLines(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"a\nb\nc\n", 2, "b\nc"},
		{"a\nb\nc", 5, "a\nb\nc"},
		{"", 3, ""},
		{"only\n", 1, "only"},
	} {
		if got := peerproc.LastLines(tc.in, tc.n); got != tc.want {
			t.Errorf("LastLines(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestTailFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	if got := peerproc.TailFile(path, 2); !strings.Contains(got, "cannot read") {
		t.Errorf("missing file: %q does not say it cannot be read", got)
	}
	if err := os.WriteFile(path, []byte("1\n2\n3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := peerproc.TailFile(path, 2); got != "2\n3" {
		t.Errorf("TailFile = %q", got)
	}
}

func TestStopEndsAProcessThatIgnoresTheSignal(t *testing.T) {
	// sh ignores SIGTERM here, so Stop must fall back to a kill after grace.
	p, err := peerproc.Start(exec.Command("sh", "-c", "trap '' TERM; sleep 30"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Exited() || p.Err() != nil || p.PID() <= 0 {
		t.Fatalf("fresh process: exited=%v err=%v pid=%d", p.Exited(), p.Err(), p.PID())
	}
	time.Sleep(100 * time.Millisecond) // let sh install its trap
	if p.Stop(syscall.SIGTERM, 200*time.Millisecond) {
		t.Error("Stop says the process obeyed SIGTERM, but it ignores it")
	}
	var exit *exec.ExitError
	if !p.Exited() || !errors.As(p.Err(), &exit) {
		t.Errorf("after Stop: exited=%v err=%v", p.Exited(), p.Err())
	}
}

func TestStopOnAnObedientProcess(t *testing.T) {
	p, err := peerproc.Start(exec.Command("sleep", "30"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Stop(syscall.SIGTERM, 5*time.Second) {
		t.Error("sleep did not stop on SIGTERM")
	}
	if !p.Stop(syscall.SIGTERM, time.Second) {
		t.Error("a second Stop of an exited process must report true")
	}
	port, err := peerproc.FreePort()
	if err != nil || port <= 0 {
		t.Errorf("FreePort = %d, %v", port, err)
	}
}

// TestOnFreePort: a start whose port was taken meanwhile is tried again on
// a fresh port, up to three times; any other error ends it at once.
func TestOnFreePort(t *testing.T) {
	taken := errors.New("listen tcp 127.0.0.1:1: bind: address already in use")
	tests := []struct {
		name      string
		results   []error // what each start returns, in turn
		wantCalls int
		wantErr   bool
	}{
		{"first port free", []error{nil}, 1, false},
		{"taken twice, then free", []error{taken, taken, nil}, 3, false},
		{"taken every time", []error{taken, taken, taken, nil}, 3, true},
		{"another failure is not retried", []error{errors.New("bad config"), nil}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ports []int
			got, err := peerproc.OnFreePort(func(port int) (int, error) {
				ports = append(ports, port)
				return port, tt.results[len(ports)-1]
			})
			if len(ports) != tt.wantCalls || (err != nil) != tt.wantErr {
				t.Fatalf("%d starts, err %v; want %d starts, error %v", len(ports), err, tt.wantCalls, tt.wantErr)
			}
			if err == nil && got != ports[len(ports)-1] {
				t.Errorf("OnFreePort gave %d, want the last start's %d", got, ports[len(ports)-1])
			}
			for _, p := range ports {
				if p <= 0 {
					t.Errorf("start was given port %d", p)
				}
			}
		})
	}
}
