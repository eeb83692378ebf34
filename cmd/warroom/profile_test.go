package main

import (
	"bytes"
	"context"
	"net/http"
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

// TestFloorWithoutToken: with no token, as against a warroom whose hooks
// are open, the floor takes a request without Authorization and refuses one
// with a bearer token it was not given.
func TestFloorWithoutToken(t *testing.T) {
	url, stop, err := serveFloor("")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	body := `{"version":"4","groupKey":"g","status":"firing","receiver":"warroom","groupLabels":{"alertname":"A"},
		"commonLabels":{"alertname":"A"},"alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-12-02T10:00:00Z"}]}`
	for _, tc := range []struct {
		auth string
		want int
	}{{"", http.StatusAccepted}, {"Bearer x", http.StatusUnauthorized}} {
		req, _ := http.NewRequest(http.MethodPost, url+"/hooks/alertmanager", strings.NewReader(body))
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}
