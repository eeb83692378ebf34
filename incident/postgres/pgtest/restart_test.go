package pgtest

import "testing"

// A restarted cluster keeps its data and port: a table written before is
// there after, on the same DSN.
func TestRestartKeepsDataAndPort(t *testing.T) {
	c := Start(t)
	port := c.Port()
	if err := c.Exec("CREATE TABLE kept (n int)", "INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	if c.Port() != port {
		t.Errorf("port %d after the restart, want %d", c.Port(), port)
	}
	if err := c.Exec("DO $$ BEGIN IF (SELECT n FROM kept) <> 7 THEN RAISE 'lost'; END IF; END $$"); err != nil {
		t.Errorf("the data did not survive the restart: %v", err)
	}
}
