package incident

import (
	"strings"
	"testing"
)

func TestParseDeclare(t *testing.T) {
	tests := []struct {
		in, title string
		sev       Severity
		err       string
	}{
		{"checkout returns 502", "checkout returns 502", 0, ""},
		{"checkout returns 502 high", "checkout returns 502", SeverityHigh, ""},
		{"  db is down   sev1 ", "db is down", SeverityCritical, ""},
		{"page", "page", 0, ""}, // one word is the title, even when it names a severity
		{"  ", "", 0, "declare needs a title: /incident declare checkout returns 502 high"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			title, sev, err := parseDeclare(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || ErrorKind(err) != KindInvalid {
					t.Fatalf("parseDeclare(%q) error %v, want invalid %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil || title != tt.title || sev != tt.sev {
				t.Errorf("parseDeclare(%q) = %q, %v, %v; want %q, %v", tt.in, title, sev, err, tt.title, tt.sev)
			}
		})
	}
}
