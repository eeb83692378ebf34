package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// pingTimeout bounds each query of Ping: a database that takes longer is
// not ready to take work.
const pingTimeout = 2 * time.Second

// minFreeBytes is the free space below which the disk counts as full.
const minFreeBytes = 1 << 20

// checkFile checks, every time it is called, that the path warroom opened
// is still reachable, is still the file it holds open, and has space to
// grow. The open connections keep a file that was removed or replaced:
// their queries go on answering while every write lands where nobody
// looks, so a query alone cannot see it.
func (s *DB) checkFile() error {
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the database file %s is gone (the file or its directory was removed or renamed); warroom still "+
			"holds the file it opened, so what it writes now is lost with it: put the file back at that path (restarting now "+
			"would start an empty database)", s.path)
	case err != nil:
		return fmt.Errorf("cannot reach the database file %s: %w; check that its directory exists, is mounted and is "+
			"readable by the user warroom runs as", s.path, err)
	case !os.SameFile(fi, s.opened):
		return fmt.Errorf("the file at %s is no longer the one warroom opened (replaced or restored meanwhile); put the "+
			"original back, or restart warroom to open the new one", s.path)
	}
	if free, ok := freeBytes(filepath.Dir(s.path)); ok && free < minFreeBytes {
		return fmt.Errorf("the disk of %s is full (%d KiB free): writes fail; free space on it", s.path, free>>10)
	}
	return nil
}
