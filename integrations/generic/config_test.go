package generic

import (
	"strings"
	"testing"
)

// An unused mapping is off and valid; a used one reports every missing or
// broken template at once, each by its key.
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"off", Config{Token: "t"}, nil},
		{"valid", Config{Mapping: Mapping{Title: "{{.check}}", DedupKey: "{{.host}}"}}, nil},
		{"every problem", Config{Mapping: Mapping{Title: "{{.check", Summary: "{{end}}", Links: map[string]string{"b": "{{", "a": "ok"}}}, []string{
			"dedup_key: empty",
			"title: does not parse: template: title:1: unclosed action",
			"summary: does not parse: template: summary:1: unexpected {{end}}",
			"links.b: does not parse: template: links.b:1: unclosed action",
		}},
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
}
