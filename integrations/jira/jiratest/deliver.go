package jiratest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// Sign is the X-Hub-Signature value for body: "sha256=" and the lowercase
// hex HMAC-SHA256 of the raw body, keyed with the webhook's secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Deliver POSTs w to url as Jira does: Content-Type application/json,
// X-Atlassian-Webhook-Identifier, and X-Hub-Signature when secret is not
// empty. The response's body is already read and may be left unclosed. A
// transport error fails the test.
func Deliver(t testing.TB, url string, w Webhook, secret string) *http.Response {
	t.Helper()
	return deliver(t, url, w, secret, 0)
}

// Redeliver POSTs w again, as Jira's retry number retry (1 for the first
// retry): same body, same identifier, with X-Atlassian-Webhook-Retry.
func Redeliver(t testing.TB, url string, w Webhook, secret string, retry int) *http.Response {
	t.Helper()
	return deliver(t, url, w, secret, retry)
}

func deliver(t testing.TB, url string, w Webhook, secret string, retry int) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(w.Body))
	if err != nil {
		t.Fatalf("jiratest: deliver: %v", err)
	}
	id := w.ID
	if id == "" {
		// Stable across re-deliveries of the same bytes.
		sum := sha256.Sum256(w.Body)
		id = hex.EncodeToString(sum[:16])
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Atlassian Webhook HTTP Client")
	req.Header.Set("X-Atlassian-Webhook-Identifier", id)
	req.Header.Set("X-Atlassian-Webhook-Flow", "Primary")
	if retry > 0 {
		req.Header.Set("X-Atlassian-Webhook-Retry", fmt.Sprint(retry))
	}
	if secret != "" {
		req.Header.Set("X-Hub-Signature", Sign(secret, w.Body))
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("jiratest: deliver %s to %s: %v", w.Event, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("jiratest: deliver %s to %s: read answer: %v", w.Event, url, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}
