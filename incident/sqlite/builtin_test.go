package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
)

func openBuiltin(t *testing.T) (*sqlite.BuiltinStore, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := sqlite.Open(context.Background(), path, incident.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db.Builtin(), path
}

// TestBuiltinStoreMessages: the rules builtin.MessageStore states, on
// SQLite: a keyed message is stored once, a message to a channel that does
// not exist is ErrNoChannel, lookups say "not found" without an error, and
// the count of newer messages starts after the named one (all of them when
// it is not in the channel).
func TestBuiltinStoreMessages(t *testing.T) {
	ctx := context.Background()
	st, _ := openBuiltin(t)
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	if err := st.CreateChannel(ctx, builtin.Channel{ID: "c1", IncidentKey: "INC-1", Name: "inc-1", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateChannel(ctx, builtin.Channel{ID: "c2", IncidentKey: "INC-2", Name: "inc-1", CreatedAt: at}); err == nil {
		t.Error("a second channel with a taken name was stored")
	}
	if _, found, err := st.LookupChannel(ctx, builtin.ChannelLookup{Name: "nope"}); found || err != nil {
		t.Errorf("lookup of a missing channel: found %v, %v", found, err)
	}
	if _, _, err := st.LookupChannel(ctx, builtin.ChannelLookup{}); err == nil {
		t.Error("a lookup that names nothing answered")
	}
	first, err := st.AddMessage(ctx, "c1", builtin.Message{ID: "m1", Author: "warroom", Text: "welcome", At: at}, "INC-1/welcome")
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.AddMessage(ctx, "c1", builtin.Message{ID: "m2", Author: "warroom", Text: "welcome", At: at}, "INC-1/welcome")
	if err != nil || again != first || first != "m1" {
		t.Fatalf("keyed message twice: %q then %q (%v), want m1 both times", first, again, err)
	}
	if _, err := st.AddMessage(ctx, "c1", builtin.Message{ID: "m3", Author: "alice", Text: "hi", At: at}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddMessage(ctx, "gone", builtin.Message{ID: "m4", Author: "alice", Text: "hi", At: at}, ""); !errors.Is(err, builtin.ErrNoChannel) {
		t.Errorf("message to a missing channel: %v, want ErrNoChannel", err)
	}
	if _, found, err := st.Message(ctx, "c1", "m2"); found || err != nil {
		t.Errorf("the repeat's own ID was stored: found %v, %v", found, err)
	}
	for _, tt := range []struct {
		after      string
		all, newer int
	}{{"m1", 2, 1}, {"m3", 2, 0}, {"", 2, 2}, {"elsewhere", 2, 2}} {
		if all, newer, err := st.CountMessages(ctx, "c1", tt.after); err != nil || all != tt.all || newer != tt.newer {
			t.Errorf("count after %q: %d, %d, %v; want %d, %d", tt.after, all, newer, err, tt.all, tt.newer)
		}
	}
	if existed, err := st.DeleteChannel(ctx, "c1"); err != nil || !existed {
		t.Fatalf("delete: %v, %v", existed, err)
	}
	if all, _, err := st.CountMessages(ctx, "c1", ""); err != nil || all != 0 {
		t.Errorf("messages of a deleted channel: %d, %v", all, err)
	}
	if existed, err := st.DeleteChannel(ctx, "c1"); err != nil || existed {
		t.Errorf("delete again: %v, %v; want not existed, no error", existed, err)
	}
}

// failingReader yields n bytes, then fails.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("the source broke")
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

// TestBuiltinTicketDocuments: a document is streamed into chunks and read
// back whole; a replacement replaces it whole (no chunk of the longer old
// one is left), and a replacement whose source breaks half way leaves the
// old one as it was. A document stored before chunks existed (its bytes in
// the row itself) still reads.
func TestBuiltinTicketDocuments(t *testing.T) {
	ctx := context.Background()
	st, path := openBuiltin(t)
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	if err := st.AddTicket(ctx, "INC-1", "db down", at); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		t.Helper()
		var buf bytes.Buffer
		found, err := st.ReadTicketDocument(ctx, "INC-1", name, &buf)
		if err != nil || !found {
			t.Fatalf("read %s: found %v, %v", name, found, err)
		}
		return buf.String()
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 40<<10) // 640 KiB: three chunks
	if err := st.WriteTicketDocument(ctx, "INC-1", "t.md", "text/markdown", bytes.NewReader(big), at); err != nil {
		t.Fatal(err)
	}
	if got := read("t.md"); got != string(big) {
		t.Fatalf("read back %d bytes, want the %d written", len(got), len(big))
	}
	if err := st.WriteTicketDocument(ctx, "INC-1", "t.md", "text/plain", bytes.NewReader([]byte("short")), at); err != nil {
		t.Fatal(err)
	}
	if got := read("t.md"); got != "short" {
		t.Fatalf("after a replacement: %d bytes, want \"short\"", len(got))
	}
	if err := st.WriteTicketDocument(ctx, "INC-1", "t.md", "text/plain", &failingReader{n: 300 << 10}, at); err == nil {
		t.Fatal("a broken source stored a document")
	}
	if got := read("t.md"); got != "short" {
		t.Fatalf("after a broken replacement: %d bytes, want the old \"short\"", len(got))
	}
	if ctype, found, err := st.TicketDocumentType(ctx, "INC-1", "t.md"); err != nil || !found || ctype != "text/plain" {
		t.Errorf("type: %q %v %v", ctype, found, err)
	}
	if found, err := st.ReadTicketDocument(ctx, "INC-1", "none.md", io.Discard); found || err != nil {
		t.Errorf("missing document: found %v, %v", found, err)
	}

	raw := rawOpen(t, path) // as the code before chunks stored documents
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `INSERT INTO builtin_ticket_files (ticket_key, name, content_type, content, stored_at)
		VALUES ('INC-1', 'old.md', 'text/markdown', CAST('stored whole' AS BLOB), 0)`); err != nil {
		t.Fatal(err)
	}
	if got := read("old.md"); got != "stored whole" {
		t.Errorf("a document stored in its row reads %q", got)
	}
}
