// Package amtest runs a real Prometheus Alertmanager for tests: 0.31.1, built
// from the Go module proxy by .ci/alertmanager.sh into
// ${WARROOM_CACHE:-$HOME/.cache/warroom}/alertmanager-0.31.1/bin/alertmanager
// (the script runs when that binary is missing), on a free loopback port with
// a throwaway configuration and storage directory and no clustering. Every
// alert is routed to one webhook receiver, the service under test:
//
//	hook := httptest.NewServer(warroomHandler)
//	am := amtest.Start(t, amtest.Options{WebhookURL: hook.URL + "/hooks/alertmanager", BearerToken: "s3cret"})
//	am.PostAlert(t, map[string]string{"alertname": "HighLatency"}, map[string]string{"summary": "slow"}, "")
//	// ... the firing webhook arrives after GroupWait ...
//	am.ResolveAlert(t, map[string]string{"alertname": "HighLatency"})
//	// ... the resolved webhook arrives within GroupInterval ...
//
// To feed it from a real Prometheus alert rule, pass am.URL as
// promtest.Options.AlertmanagerURL.
//
// When Alertmanager cannot run here the test is skipped, or fails when
// CI=true. The server is stopped, and its directory removed, when the test
// ends. Set WARROOM_ALERTMANAGER to the path of another alertmanager binary
// (for example Debian's /usr/bin/prometheus-alertmanager) to test against
// that instead.
package amtest
