package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadConfig: any file is a config or an error that says what is
// wrong; nothing panics. Seeded with the sample config and the configs
// under testdata/fuzz/FuzzLoadConfig.
func FuzzLoadConfig(f *testing.F) {
	sample, err := os.ReadFile("../../warroom.example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte("listen: 127.0.0.1:0\nstore:\n  path: x.db\n"))
	f.Add([]byte("nope: 1\n"))
	f.Add([]byte("listen: [1, 2]\n"))
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(t.TempDir(), "warroom.yaml")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, err := loadConfig(path, nil)
		if err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("empty error for a bad config")
		}
	})
}
