package incident

import "testing"

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{"critical", SeverityCritical, false},
		{"CRITICAL", SeverityCritical, false},
		{" page ", SeverityCritical, false},
		{"sev1", SeverityCritical, false},
		{"error", SeverityHigh, false},
		{"high", SeverityHigh, false},
		{"warning", SeverityWarning, false},
		{"warn", SeverityWarning, false},
		{"info", SeverityInfo, false},
		{"none", SeverityInfo, false},
		{"", 0, true},
		{"urgentish", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSeverity(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseSeverity(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseSeverity(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if err != nil && ErrorKind(err) != KindInvalid {
				t.Errorf("error kind = %s, want invalid", ErrorKind(err))
			}
		})
	}
}

func TestSeverityOrderAndText(t *testing.T) {
	if !(SeverityCritical > SeverityHigh && SeverityHigh > SeverityWarning && SeverityWarning > SeverityInfo) {
		t.Fatal("severities are not ordered from info to critical")
	}
	for _, name := range SeverityNames() {
		var s Severity
		if err := s.UnmarshalText([]byte(name)); err != nil {
			t.Fatalf("UnmarshalText(%q): %v", name, err)
		}
		b, _ := s.MarshalText()
		if string(b) != name {
			t.Errorf("round trip %q -> %q", name, b)
		}
	}
}
