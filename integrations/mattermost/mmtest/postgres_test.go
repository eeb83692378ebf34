package mmtest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartPostgres(t *testing.T) {
	dsn := StartPostgres(t)
	if !strings.HasPrefix(dsn, "postgres://postgres@127.0.0.1:") {
		t.Fatalf("unexpected DSN %q", dsn)
	}
	out, err := exec.Command(filepath.Join(pgBin, "psql"), "-X", "-A", "-t", "-d", dsn, "-c", "SELECT 40 + 2").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "42" {
		t.Fatalf("SELECT 40 + 2 = %q, want 42", got)
	}
}
