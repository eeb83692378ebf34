package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeCPUProfileUnwritable: a -cpuprofile path that cannot be created
// stops serve before it starts, saying which flag and what to do.
func TestServeCPUProfileUnwritable(t *testing.T) {
	var out, errOut bytes.Buffer
	path := filepath.Join(t.TempDir(), "missing", "cpu.prof")
	code := run(context.Background(), []string{"serve", "-cpuprofile", path}, nil, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "-cpuprofile") || !strings.Contains(errOut.String(), "writable path") {
		t.Fatalf("exit %d, stderr %q; want 1 and a message naming -cpuprofile", code, errOut.String())
	}
}
