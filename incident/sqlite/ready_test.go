package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
)

// Ping reaches the database every time it is asked: it fails while the
// file cannot be reached or is not the one open, says what to do, and
// passes again as soon as the file is back, with the same DB.
func TestPingFailsWhileTheFileIsUnreachableAndRecovers(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "data")
	path := filepath.Join(dir, "w.db")
	db, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mv := func(from, to string) func(t *testing.T) {
		return func(t *testing.T) {
			if err := os.Rename(from, to); err != nil {
				t.Fatal(err)
			}
		}
	}
	aside := filepath.Join(root, "aside")
	steps := []struct {
		name string
		do   func(t *testing.T)
		want []string // in the error; none: ready
	}{
		{"ready", func(*testing.T) {}, nil},
		{"directory renamed away", mv(dir, aside), []string{path, "is gone", "put the file back"}},
		{"directory back", mv(aside, dir), nil},
		{"a file where the directory was", func(t *testing.T) {
			mv(dir, aside)(t)
			if err := os.WriteFile(dir, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"cannot reach the database file " + path, "check that its directory exists"}},
		{"directory back again", func(t *testing.T) {
			if err := os.Remove(dir); err != nil {
				t.Fatal(err)
			}
			mv(aside, dir)(t)
		}, nil},
		{"file replaced by a copy", func(t *testing.T) {
			mv(path, path+".orig")(t)
			raw, err := os.ReadFile(path + ".orig")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"no longer the one warroom opened", "restart warroom"}},
		{"original back", mv(path+".orig", path), nil},
	}
	for _, st := range steps {
		st.do(t)
		err := db.Ping(ctx)
		if len(st.want) == 0 {
			if err != nil {
				t.Fatalf("%s: not ready: %v", st.name, err)
			}
			continue
		}
		if err == nil {
			t.Fatalf("%s: ready; want an error naming %q", st.name, st.want)
		}
		for _, w := range st.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", st.name, err, w)
			}
		}
	}
}

// A full disk makes Ping fail, and freeing space makes it pass: on a small
// tmpfs of its own (needs root to mount; skipped otherwise).
func TestPingFailsWhileTheDiskIsFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v: %s); the disk-full check is not run", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	ctx := context.Background()
	path := filepath.Join(dir, "w.db")
	db, err := sqlite.Open(ctx, path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("not ready on an empty disk: %v", err)
	}
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break // ENOSPC: the disk is full
		}
	}
	f.Close()
	err = db.Ping(ctx)
	if err == nil || !strings.Contains(err.Error(), "is full") || !strings.Contains(err.Error(), "free space on it") {
		t.Fatalf("disk full: Ping = %v; want an error saying the disk is full", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("space freed: still not ready: %v", err)
	}
}
