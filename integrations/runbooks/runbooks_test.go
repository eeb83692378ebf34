package runbooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	d, err := Load("testdata")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		labels map[string]string
		want   string // runbook name, "" for none
	}{
		{map[string]string{"alertname": "HighLatency", "service": "checkout"}, "high-latency"},
		{map[string]string{"alertname": "HighLatency", "service": "search"}, "any-latency"},
		{map[string]string{"alertname": "DiskFull", "team": "payments"}, "payments"},
		{map[string]string{"alertname": "DiskFull"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		rb, ok := d.Find(tt.labels)
		if ok != (tt.want != "") || rb.Name != tt.want {
			t.Errorf("Find(%v) = %q, %v; want %q", tt.labels, rb.Name, ok, tt.want)
		}
	}
	rb, _ := d.Find(map[string]string{"alertname": "HighLatency", "service": "checkout"})
	if rb.Title != "Checkout latency" || !strings.HasPrefix(rb.Body, "1. Open the checkout dashboard") {
		t.Errorf("runbook = %+v", rb)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"no front matter", "# Just text\n", "no front matter"},
		{"unclosed", "---\nalertname: X\n", "not closed"},
		{"matches nothing", "---\ntitle: Lost\n---\nbody\n", "matches nothing"},
		{"unknown key", "---\nalertnme: X\n---\nbody\n", "alertnme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "bad.md"), []byte(tt.body), 0o600)
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.md") {
				t.Errorf("Load = %v, want an error naming bad.md and %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory is accepted")
	}
}
