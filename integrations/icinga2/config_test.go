package icinga2

import (
	"strings"
	"testing"
)

// Without url the event stream is off and nothing is required; with it,
// url and user must be usable, each named by its key.
func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"off", Config{Token: "hook-only"}, ""},
		{"valid", Config{URL: "https://icinga.example.com:5665", User: "warroom"}, ""},
		{"no user", Config{URL: "https://icinga.example.com:5665"}, "user: empty; give the ApiUser warroom signs in as"},
		{"bad url and no user", Config{URL: "icinga:5665"},
			"url: \"icinga:5665\" is not Icinga 2's API URL, e.g. https://icinga.example.com:5665\nuser: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want it to start with %q", err, tt.want)
			}
		})
	}
}
