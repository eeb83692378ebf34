package builtin_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
	"github.com/warroom/warroom/incident/sqlite"
	"github.com/warroom/warroom/integrations/builtin"
)

// BenchmarkBuiltinChannelLife is one incident's builtin channel and ticket,
// end to end through the backend and its store: open the channel, 200
// keyed posts (each retried once), 200 messages from people, the history
// walk and count of the 400, a 1 MiB document stored and read back, and
// the delete.
func BenchmarkBuiltinChannelLife(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "w.db"), incident.SystemClock{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	chat := builtin.New(db.Builtin(), "http://warroom.test", incident.SystemClock{})
	doc := bytes.Repeat([]byte("a line of the transcript, long enough to be typical\n"), 20<<10)
	d := archive.Document{Name: "t.md", ContentType: "text/markdown", Size: int64(len(doc)), SHA256: archive.Digest(doc),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(doc)), nil }}
	for i := 0; b.Loop(); i++ {
		key := fmt.Sprintf("INC-%d", i+1)
		ch, err := chat.OpenChannel(ctx, incident.ChannelSpec{IncidentKey: key, Name: "inc-" + key})
		if err != nil {
			b.Fatal(err)
		}
		for j := range 200 {
			for range 2 {
				if _, err := chat.Post(ctx, ch, incident.Post{Key: fmt.Sprintf("%s/post/%d", key, j), Text: "an update"}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := chat.Say(ctx, ch.ID, "alice", "looking into it", ""); err != nil {
				b.Fatal(err)
			}
		}
		n := 0
		tally, err := chat.History(ctx, ch, func(archive.Message) error { n++; return nil })
		if err != nil {
			b.Fatal(err)
		}
		if c, err := chat.Count(ctx, ch, tally); err != nil || n != 400 || c.Server != 400 {
			b.Fatalf("walk read %d, count %+v, %v", n, c, err)
		}
		t, err := chat.OpenTicket(ctx, &incident.Incident{Key: key, Title: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if err := chat.StoreDocument(ctx, t, d); err != nil {
			b.Fatal(err)
		}
		if has, err := chat.HasDocument(ctx, t, d); err != nil || !has {
			b.Fatalf("document read back: %v, %v", has, err)
		}
		if _, err := chat.DeleteChannel(ctx, ch); err != nil {
			b.Fatal(err)
		}
	}
}
