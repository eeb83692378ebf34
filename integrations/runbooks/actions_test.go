package runbooks

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A runbook's front matter may suggest actions: /incident run lines that
// the runbook post offers as buttons.
func TestFrontMatterSuggestsActions(t *testing.T) {
	dir := t.TempDir()
	md := "---\nalertname: DiskFull\nactions: [\"clean-logs host=db1\", restart-db]\n---\n# Disk full\n\nClean the logs.\n"
	if err := os.WriteFile(filepath.Join(dir, "disk.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rb, ok := d.Find(map[string]string{"alertname": "DiskFull"})
	if !ok {
		t.Fatal("no runbook found")
	}
	if want := []string{"clean-logs host=db1", "restart-db"}; !reflect.DeepEqual(rb.Actions, want) {
		t.Errorf("actions %q, want %q", rb.Actions, want)
	}
}
