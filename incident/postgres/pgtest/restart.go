package pgtest

import (
	"fmt"
	"path/filepath"
	"time"
)

// Restart stops the cluster as an operator's restart does (pg_ctl stop -m
// fast: every client is disconnected, nothing is lost) and starts it again
// on the same data directory and port. Clients see their connections drop
// and new ones refused until it is back; Restart returns once it accepts
// connections again.
func (c *Cluster) Restart() error {
	out, err := c.command("pg_ctl", "stop", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "20").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop failed (%w): %s", err, out)
	}
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("PostgreSQL stopped but its process did not exit within 10s")
	}
	if err := c.start(c.port); err != nil {
		return fmt.Errorf("start again on port %d: %w", c.port, err)
	}
	return nil
}
