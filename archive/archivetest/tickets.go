package archivetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// TicketsBackend is one ticket system under test.
type TicketsBackend struct {
	// Tickets opens the tickets the documents go on.
	Tickets incident.Tickets
	// Archive is the adapter under test, on the same system.
	Archive archive.Tickets
	// MaxBytes is the system's attachment limit; 0 when it has none.
	MaxBytes int64
}

// document makes a document of content.
func document(name string, content []byte) archive.Document {
	sum := sha256.Sum256(content)
	return archive.Document{Format: "md", Name: name, ContentType: "text/markdown", Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }}
}

// RunTickets runs every archive.Tickets rule as a subtest, each against a
// TicketsBackend from newBackend.
func RunTickets(t *testing.T, newBackend func(t *testing.T) TicketsBackend) {
	var c counter
	ctx := context.Background()
	store := func(t *testing.T, b TicketsBackend, ref incident.TicketRef, d archive.Document) {
		t.Helper()
		if err := b.Archive.StoreDocument(ctx, ref, d); err != nil {
			t.Fatalf("StoreDocument(%s): %v", d.Name, err)
		}
	}
	has := func(t *testing.T, b TicketsBackend, ref incident.TicketRef, d archive.Document) bool {
		t.Helper()
		ok, err := b.Archive.HasDocument(ctx, ref, d)
		if err != nil {
			t.Fatalf("HasDocument(%s): %v", d.Name, err)
		}
		return ok
	}
	transcript := []byte("# AT transcript\n\n- alice: rolled back\n")

	t.Run("StoredDocumentReadsBackEqual", func(t *testing.T) {
		b := newBackend(t)
		ref := c.ticket(t, b.Tickets)
		d := document(ref.Key+"-transcript.md", transcript)
		store(t, b, ref, d)
		if !has(t, b, ref, d) {
			t.Errorf("%s is not read back from %s after StoreDocument", d.Name, ref.Key)
		}
	})
	t.Run("OtherContentIsNotThere", func(t *testing.T) {
		b := newBackend(t)
		ref := c.ticket(t, b.Tickets)
		store(t, b, ref, document(ref.Key+"-transcript.md", transcript))
		for what, d := range map[string]archive.Document{
			"same size, other bytes": document(ref.Key+"-transcript.md", bytes.ToUpper(transcript)),
			"a prefix":               document(ref.Key+"-transcript.md", transcript[:10]),
		} {
			if has(t, b, ref, d) {
				t.Errorf("HasDocument is true for %s of %s: it must compare size and SHA-256", what, d.Name)
			}
		}
	})
	t.Run("NeverStoredIsNotThere", func(t *testing.T) {
		b := newBackend(t)
		ref, other := c.ticket(t, b.Tickets), c.ticket(t, b.Tickets)
		d := document(ref.Key+"-transcript.json", []byte(`{"incident":"x"}`))
		if has(t, b, ref, d) {
			t.Errorf("HasDocument is true for a document never stored")
		}
		store(t, b, other, d)
		if has(t, b, ref, d) {
			t.Errorf("HasDocument is true for a document stored on another ticket")
		}
	})
	t.Run("StoringAgainKeepsItThere", func(t *testing.T) {
		b := newBackend(t)
		ref := c.ticket(t, b.Tickets)
		d := document(ref.Key+"-transcript.md", transcript)
		store(t, b, ref, d)
		store(t, newBackend(t), ref, d) // the job ran before, maybe in another process
		if !has(t, b, ref, d) {
			t.Errorf("%s is not read back after being stored twice", d.Name)
		}
	})
	t.Run("OverTheLimitIsTooLarge", func(t *testing.T) {
		b := newBackend(t)
		if b.MaxBytes <= 0 {
			t.Skip("the system has no attachment limit")
		}
		ref := c.ticket(t, b.Tickets)
		d := document(ref.Key+"-transcript.md", bytes.Repeat([]byte("x"), int(b.MaxBytes)+1))
		var tooLarge *archive.TooLargeError
		err := b.Archive.StoreDocument(ctx, ref, d)
		if !errors.As(err, &tooLarge) {
			t.Fatalf("StoreDocument of %d bytes over a limit of %d: %v, want a *archive.TooLargeError", d.Size, b.MaxBytes, err)
		}
		if tooLarge.Name != d.Name || tooLarge.Size != d.Size || tooLarge.Limit <= 0 {
			t.Errorf("the error says %+v, want name %s, size %d and a limit", tooLarge, d.Name, d.Size)
		}
		// A limit the backend knows is the one it names; one the system
		// enforced by itself is not claimed as known.
		if tooLarge.Refused != (tooLarge.Limit != b.MaxBytes) {
			t.Errorf("the error says %q (limit %d, refused by the system %v) for a system limit of %d: it names a limit that is not the system's", err, tooLarge.Limit, tooLarge.Refused, b.MaxBytes)
		}
		if has(t, b, ref, d) {
			t.Errorf("a document refused as too large is on the ticket")
		}
	})
}
