package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestIdempotencyKeyNeedsItsStore: a server wired without the key store
// refuses a request that carries a key rather than run it unguarded; the
// same request without the header runs, and a GET ignores the header.
func TestIdempotencyKeyNeedsItsStore(t *testing.T) {
	x := newHarness(t, Config{})
	w := x.api("POST", "/api/v1/incidents", `{"title": "db down"}`, "Idempotency-Key", "k1")
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "keeps no Idempotency-Key") {
		t.Errorf("with a key: %d %s", w.Code, w.Body)
	}
	if w := x.api("POST", "/api/v1/incidents", `{"title": "db down"}`); w.Code != http.StatusCreated {
		t.Errorf("without a key: %d %s", w.Code, w.Body)
	}
	if w := x.api("GET", "/api/v1/incidents", "", "Idempotency-Key", "k1"); w.Code != http.StatusOK {
		t.Errorf("a GET with a key: %d %s", w.Code, w.Body)
	}
}
