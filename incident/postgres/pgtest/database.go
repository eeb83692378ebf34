package pgtest

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shared is the one cluster of this test binary that Database makes its
// databases on, started by the first call.
var shared struct {
	once    sync.Once
	cluster *Cluster
	err     error // why it could not start, for every later test too
	problem string
	n       atomic.Int64 // databases made so far
}

// Database makes a fresh, empty database on the test binary's shared
// cluster (started on first use) and returns its superuser DSN. The
// cluster is stopped by Main, or by the death of the test binary. It
// skips the test (fails it when CI=true) when PostgreSQL 15 cannot run here.
func Database(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() {
		if shared.problem = Problem(); shared.problem != "" {
			return
		}
		start := time.Now()
		shared.cluster, shared.err = startCluster()
		if shared.err == nil {
			t.Logf("pgtest: shared PostgreSQL 15 ready on 127.0.0.1:%d in %v", shared.cluster.port, time.Since(start).Round(time.Millisecond))
		}
	})
	if shared.problem != "" {
		Unavailable(t, "%s", shared.problem)
	}
	if shared.err != nil {
		t.Fatalf("pgtest: %v", shared.err)
	}
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), shared.n.Add(1))
	if err := shared.cluster.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return shared.cluster.DSN("postgres", "", name)
}

// Main runs the tests and then stops the shared cluster, if one was
// started; a package whose tests call Database calls it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if shared.cluster != nil {
		if err := shared.cluster.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
	}
	return code
}
