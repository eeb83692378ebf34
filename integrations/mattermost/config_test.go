package mattermost

import (
	"strings"
	"testing"
)

// Validate names each key at fault, relative to chat.mattermost, one
// problem a line; New refuses what it cannot build a client from, by key.
func TestConfigValidate(t *testing.T) {
	valid := func() Config {
		c := DefaultConfig()
		c.URL, c.Token, c.Team, c.CommandToken = "https://chat.example.com", "bot", "ops", "cmd"
		return c
	}
	tests := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"valid", func(*Config) {}, nil},
		{"nothing set", func(c *Config) { *c = Config{} }, []string{
			`url: "" is not the server's http(s) URL`, "token: empty", "team: empty", "command_token: empty"}},
		{"bad delete and size", func(c *Config) { c.Delete, c.MaxFileBytes = "shred", -1 }, []string{
			`delete: "shred"; use permanent, archive or keep`, "max_file_bytes: -1; use 0 or more"}},
		{"url without scheme", func(c *Config) { c.URL = "chat.example.com" }, []string{`url: "chat.example.com" is not`}},
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
	if _, err := New(Config{URL: "https://chat.example.com"}, nil, nil); err == nil ||
		!strings.Contains(err.Error(), "chat.mattermost: token: empty") {
		t.Errorf("New without token: %v", err)
	}
	b, err := New(Config{URL: "https://chat.example.com", Token: "bot", Team: "ops"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := DefaultConfig(); b.cfg.Delete != d.Delete || b.cfg.PinEmoji != d.PinEmoji || b.cfg.MaxFileBytes != d.MaxFileBytes {
		t.Errorf("New did not fill the defaults: %+v", b.cfg)
	}
}
