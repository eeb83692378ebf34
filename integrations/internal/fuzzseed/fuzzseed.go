// Package fuzzseed seeds the integrations' fuzz targets with their recorded
// payloads, so that every decoder starts from what its sender really sends.
package fuzzseed

import (
	"os"
	"path/filepath"
	"testing"
)

// Files adds every file matching glob (relative to the package under test)
// to f's seed corpus. No match is a failure: a fuzz target without its
// recorded payloads would only explore noise.
func Files(f *testing.F, glob string) {
	f.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed payloads match %s (%v)", glob, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}
