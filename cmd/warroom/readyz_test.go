package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// /readyz asks the store each time: it answers 503 with what is wrong and
// what to check while the database file cannot be reached, and 200 again
// once it is back, with no restart; /healthz stays 200 throughout.
func TestReadyzFollowsTheStore(t *testing.T) {
	cfg := testConfig(t)
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	cfg.Store.DSN = filepath.Join(dir, "warroom.db")
	h := startHarness(t, cfg)
	type answer struct{ Status, Reason string }
	readyz := func() (int, answer) {
		code, body := h.do("GET", "/readyz", nil, nil)
		var a answer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("/readyz answered %d %q: %v", code, body, err)
		}
		return code, a
	}
	if code, a := readyz(); code != 200 || a.Status != "ready" {
		t.Fatalf("at start: %d %+v", code, a)
	}
	if err := os.Rename(dir, filepath.Join(root, "moved")); err != nil {
		t.Fatal(err)
	}
	code, a := readyz()
	if code != 503 || a.Status != "not ready" || !strings.Contains(a.Reason, "store: the database file "+cfg.Store.DSN+" is gone") ||
		!strings.Contains(a.Reason, "put the file back") {
		t.Errorf("directory gone: %d %+v; want 503 naming the file and what to do", code, a)
	}
	if code, _ := h.do("GET", "/healthz", nil, nil); code != 200 {
		t.Errorf("/healthz = %d while not ready; want 200 (alive, not ready)", code)
	}
	if err := os.Rename(filepath.Join(root, "moved"), dir); err != nil {
		t.Fatal(err)
	}
	if code, a := readyz(); code != 200 || a.Status != "ready" {
		t.Errorf("file back: %d %+v; want ready again without a restart", code, a)
	}
	if code, inc := h.hook(readTestdata(t, "alertmanager-0.31.1-firing.json")); code != 200 || inc["created"] != true {
		t.Errorf("alert after recovery: %d %v", code, inc)
	}
}
