package rocketchat

import (
	"strings"
	"testing"
	"time"
)

// Validate names each key at fault, relative to chat.rocketchat.
func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.URL, c.UserID, c.Token, c.WebhookToken = "https://rocket.example.com", "bot-id", "tok", "hook"
		return c
	}
	tests := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"valid", func(*Config) {}, nil},
		{"nothing set", func(c *Config) { *c = Config{} }, []string{`url: ""`, "user_id: empty", "token: empty", "webhook_token: empty",
			`trigger: ""`, "pin_poll: 0s; use 100ms or more"}},
		{"bad values", func(c *Config) {
			c.Delete, c.Trigger, c.PinPoll, c.MaxFileBytes = "x", "! incident", time.Millisecond, -5
		}, []string{
			`delete: "x"`, `trigger: "! incident"; one word`, "pin_poll: 1ms", "max_file_bytes: -5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(&c)
			err := c.Validate()
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
