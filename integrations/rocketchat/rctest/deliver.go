package rctest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"
	"time"
)

// Deliver POSTs an outgoing-webhook body to url the way Rocket.Chat does:
// Content-Type application/json, a browser-like User-Agent, no signature
// header (the token is in the body). The response's body is already read
// and may be left unclosed. A transport error fails the test.
func Deliver(t testing.TB, url string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("rctest: deliver: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("rctest: deliver to %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("rctest: deliver to %s: read answer: %v", url, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// ReadOutgoing loads an outgoing-webhook body from a file, such as those
// in integrations/rocketchat/testdata, and decodes it too.
func ReadOutgoing(t testing.TB, path string) ([]byte, OutgoingPayload) {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("rctest: %v", err)
	}
	var p OutgoingPayload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("rctest: %s: %v", path, err)
	}
	return body, p
}
