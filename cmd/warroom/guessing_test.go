package main

import (
	"net/http"
	"net/url"
	"testing"
)

// Wrong bearer tokens and wrong sign-ins count against one limit per
// address: after five, the address waits, even with the right token.
func TestTokenGuessingIsThrottled(t *testing.T) {
	wrongBearer := func(h *harness) int {
		code, _ := h.do("GET", "/api/v1/incidents", nil, map[string]string{"Authorization": "Bearer guess"})
		return code
	}
	wrongSignIn := func(h *harness) int {
		code, _ := h.do("POST", "/login", url.Values{"name": {"mallory"}, "token": {"guess"}}, nil)
		return code
	}
	rightBearer := func(h *harness) int { code, _ := h.do("GET", "/api/v1/incidents", nil, bearerAPI); return code }
	rightSignIn := func(h *harness) int {
		code, _ := h.do("POST", "/login", url.Values{"name": {"alice"}, "token": {testAPIToken}}, nil)
		return code
	}
	wrongHook := func(h *harness) int {
		code, _ := h.do("POST", "/hooks/alertmanager", []byte(`{}`), map[string]string{"Authorization": "Bearer guess"})
		return code
	}
	wrongSignature := func(h *harness) int {
		code, _ := h.do("POST", "/hooks/grafana", []byte(`{}`), map[string]string{"X-Grafana-Alerting-Signature": "00"})
		return code
	}
	tests := []struct {
		name      string
		guess     func(*harness) int
		wantGuess int
		then      func(*harness) int
	}{
		{"Grafana signatures, then the right API token", wrongSignature, 401, rightBearer},
		{"API tokens, then the right one", wrongBearer, 401, rightBearer},
		{"API tokens, then a right sign-in", wrongBearer, 401, rightSignIn},
		{"sign-ins, then the right API token", wrongSignIn, http.StatusSeeOther, rightBearer},
		{"hook tokens, then the right API token", wrongHook, 401, rightBearer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Sources.Grafana.Secret = "grafana-secret"
			h := startHarness(t, cfg)
			for i := range 5 {
				if code := tt.guess(h); code != tt.wantGuess {
					t.Fatalf("guess %d: %d, want %d", i+1, code, tt.wantGuess)
				}
			}
			if code := tt.guess(h); code != http.StatusTooManyRequests {
				t.Errorf("sixth guess: %d, want 429", code)
			}
			if code := tt.then(h); code != http.StatusTooManyRequests {
				t.Errorf("the right secret from the guessing address: %d, want 429 until the minute is over", code)
			}
		})
	}
	// A 429 says when to come back.
	h := startHarness(t, testConfig(t))
	for range 6 {
		wrongBearer(h)
	}
	req, _ := http.NewRequest("GET", h.URL+"/api/v1/incidents", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("%d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
