// Package promtest runs a real Prometheus for tests: Debian's 2.42 (installed
// by .ci/prometheus.sh when missing) on a free loopback port, with a
// throwaway configuration and storage directory, scraping itself every
// second so that queries have data within seconds.
//
//	srv := promtest.Start(t) // skips, or fails when CI=true, if it cannot run here
//	c := prometheus.New(srv.URL, nil)
//
// The server is stopped, and its directory removed, when the test ends.
// Set WARROOM_PROMETHEUS to the path of another prometheus binary (for
// example a go-installed 3.x) to test against that instead.
package promtest
