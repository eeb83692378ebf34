package jira

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
)

// Validate names each key at fault, relative to tickets.jira; OpenFor
// reads create_for.
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"valid", Config{URL: "https://jira.example.com", Token: "t", Project: "OPS"}, nil},
		{"nothing set", Config{}, []string{`url: ""`, "token: empty", "project: empty"}},
		{"bad create_for and size", Config{URL: "https://jira.example.com", Token: "t", Project: "OPS", CreateFor: "sometimes",
			MaxAttachmentBytes: -1}, []string{`create_for: "sometimes": use all, none, or a minimum severity`, "max_attachment_bytes: -1"}},
		{"follow-ups in their own project", Config{URL: "https://jira.example.com", Token: "t", Project: "OPS",
			Followups: Followups{Project: "SRE_2", IssueType: "Story", LinkType: "Blocks"}}, nil},
		{"bad follow-up project key", Config{URL: "https://jira.example.com", Token: "t", Project: "OPS", Followups: Followups{Project: "sre team"}},
			[]string{`followups.project: "sre team" is not a Jira project key: give the key (capitals, digits, _), e.g. SRETEAM`}},
		{"follow-up project key starting with a digit", Config{URL: "https://jira.example.com", Token: "t", Project: "OPS", Followups: Followups{Project: "2OPS"}},
			[]string{`followups.project: "2OPS" is not a Jira project key: give the key (capitals, digits, _), e.g. OPS`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("Validate() = %q, want %d problems", err, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, lines[i], w)
				}
			}
		})
	}
	for _, tt := range []struct {
		createFor string
		sev       incident.Severity
		want      bool
	}{{"all", incident.SeverityInfo, true}, {"", incident.SeverityInfo, true}, {"none", incident.SeverityCritical, false},
		{"high", incident.SeverityWarning, false}, {"high", incident.SeverityCritical, true}} {
		open, err := Config{CreateFor: tt.createFor}.OpenFor()
		if err != nil {
			t.Fatal(err)
		}
		if got := open(&incident.Incident{Severity: tt.sev}); got != tt.want {
			t.Errorf("create_for %q, severity %v: %v, want %v", tt.createFor, tt.sev, got, tt.want)
		}
	}
}
