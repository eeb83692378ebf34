package main

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkSignedInPage is a signed-in person loading the incident list:
// what the session lookup (and the flash check) costs each page view.
// BenchmarkAPIWithToken is an API read with the bearer token, through the
// limiter.
func BenchmarkSignedInPage(b *testing.B) {
	cfg := testConfig(b)
	cfg.Log.Level = "error"
	h := startHarness(b, cfg)
	h.login("alice")
	benchGET(b, h, "/incidents", nil)
}

func BenchmarkAPIWithToken(b *testing.B) {
	cfg := testConfig(b)
	cfg.Log.Level = "error"
	h := startHarness(b, cfg)
	benchGET(b, h, "/api/v1/incidents", bearerAPI)
}

func benchGET(b *testing.B, h *harness, path string, headers map[string]string) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		req, _ := http.NewRequest("GET", h.URL+path, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := h.client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
}
