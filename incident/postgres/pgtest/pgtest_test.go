package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func psql(t *testing.T, dsn, query string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(Bin, "psql"), "-X", "-A", "-t", "-d", dsn, "-c", query).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestDatabaseIsFreshEachTime(t *testing.T) {
	a, b := Database(t), Database(t)
	if a == b {
		t.Fatalf("two calls gave the same database %q", a)
	}
	psql(t, a, "CREATE TABLE mark (n int)")
	if got := psql(t, b, "SELECT count(*) FROM pg_tables WHERE tablename = 'mark'"); got != "0" {
		t.Fatalf("the second database sees the first one's table: count %q", got)
	}
	if got := psql(t, a, "SELECT current_setting('fsync')"); got != "off" {
		t.Fatalf("fsync = %q, want off", got)
	}
}

func TestStartOwnCluster(t *testing.T) {
	c := Start(t)
	if err := c.Exec("CREATE USER u WITH PASSWORD 'p'", "CREATE DATABASE d OWNER u"); err != nil {
		t.Fatal(err)
	}
	if got := psql(t, c.DSN("u", "p", "d"), "SELECT current_user || '@' || current_database()"); got != "u@d" {
		t.Fatalf("signed in as %q, want u@d", got)
	}
}
