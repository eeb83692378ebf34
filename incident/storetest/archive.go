package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/archive"
	"github.com/warroom/warroom/incident"
)

// ArchiveStore is a store that also keeps the archive (archive.Store).
type ArchiveStore interface {
	Store
	archive.Store
}

// RunArchive checks archive.Store's rules on fresh stores from open: a
// document written in one UpdateArchive reads back whole (many chunks,
// Markdown cut at line ends) with its size and digest, Markdown and JSON
// before the files; a document is pending until MarkPlaced, which keeps
// the first placement; ClearTranscript removes documents and count;
// UpdateArchive is atomic; the incident search finds a line of the
// Markdown transcript.
func RunArchive(t *testing.T, open func(t *testing.T, clock incident.Clock) ArchiveStore) {
	ctx := context.Background()
	s := open(t, &Clock{t: T0})
	inc := newIncident(t, s, "archived", "")
	var md strings.Builder
	for i := range 40000 { // ~1.3 MB: several chunks
		fmt.Fprintf(&md, "line %d said something\n", i)
	}
	md.WriteString("the needle in the transcript\n")
	docs := []struct {
		format, name string
		content      []byte
	}{
		{"file", "INC-1-files/b.png", bytes.Repeat([]byte{0, 1, 2, 255}, 300000)},
		{"json", "INC-1-transcript.json", []byte(`{"messages":[]}`)},
		{"md", "INC-1-transcript.md", []byte(md.String())},
		{"file", "INC-1-files/a.txt", []byte{}},
	}
	err := s.UpdateArchive(ctx, func(tx archive.Tx) error {
		for _, d := range docs {
			sum := sha256.Sum256(d.content)
			doc := &archive.Document{Format: d.format, Name: d.name, ContentType: "application/octet-stream",
				Size: int64(len(d.content)), SHA256: hex.EncodeToString(sum[:])}
			if err := tx.WriteDocument(ctx, inc.ID, doc, bytes.NewReader(d.content), T0); err != nil {
				return err
			}
		}
		return tx.RecordCount(ctx, inc.ID, archive.Count{Archived: 3, Server: 3, Accounted: 3, Basis: "posts", CheckedAt: T0}, T0)
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.Documents(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, d := range stored {
		order = append(order, d.Name)
		var want []byte
		for _, w := range docs {
			if w.name == d.Name {
				want = w.content
			}
		}
		r, err := d.Open(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, want) || d.Size != int64(len(want)) || d.Placement != archive.PlacementPending || d.VerifiedAt != nil {
			t.Errorf("%s: read %d bytes (%v), want %d; size %d, placement %q", d.Name, len(got), err, len(want), d.Size, d.Placement)
		}
	}
	if fmt.Sprint(order) != "[INC-1-transcript.md INC-1-transcript.json INC-1-files/a.txt INC-1-files/b.png]" {
		t.Errorf("documents in order %v, want md, json, then files by name", order)
	}
	if c, err := s.RecordedCount(ctx, inc.ID); err != nil || c == nil || c.Archived != 3 || c.Basis != "posts" {
		t.Errorf("RecordedCount = %+v, %v", c, err)
	}
	if c, err := s.RecordedCount(ctx, inc.ID+1); err != nil || c != nil {
		t.Errorf("RecordedCount of an incident without = %+v, %v, want nil, nil", c, err)
	}
	if found, err := s.Incidents(ctx, incident.Filter{Query: "NEEDLE in the"}); err != nil || len(found) != 1 {
		t.Errorf("search of a transcript line found %d (%v), want the incident", len(found), err)
	}

	placed := T0.Add(time.Minute)
	err = s.UpdateArchive(ctx, func(tx archive.Tx) error {
		if err := tx.MarkPlaced(ctx, inc.ID, "INC-1-transcript.md", archive.PlacementTicket, "", placed); err != nil {
			return err
		}
		if err := tx.MarkPlaced(ctx, inc.ID, "INC-1-transcript.md", archive.PlacementLocal, "later", placed.Add(time.Minute)); err != nil {
			return err
		}
		if err := tx.MarkPlaced(ctx, inc.ID, "INC-1-files/b.png", archive.PlacementLocal, "over the limit", placed); err != nil {
			return err
		}
		if tx.MarkPlaced(ctx, inc.ID, "INC-1-files/a.txt", archive.PlacementPending, "", placed) == nil {
			return errors.New("MarkPlaced accepted the pending placement")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ = s.Documents(ctx, inc.ID)
	got := map[string]string{}
	for _, d := range stored {
		got[d.Name] = string(d.Placement) + "/" + d.Reason
		if d.Placement != "" && (d.VerifiedAt == nil || !d.VerifiedAt.Equal(placed)) {
			t.Errorf("%s placed at %v, want %v", d.Name, d.VerifiedAt, placed)
		}
	}
	if got["INC-1-transcript.md"] != "ticket/" || got["INC-1-files/b.png"] != "local/over the limit" || got["INC-1-files/a.txt"] != "/" {
		t.Errorf("placements %v: the first placement is kept, an unplaced document stays pending", got)
	}

	boom := errors.New("boom")
	err = s.UpdateArchive(ctx, func(tx archive.Tx) error {
		if err := tx.ClearTranscript(ctx, inc.ID); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("UpdateArchive = %v, want fn's error", err)
	}
	if stored, _ := s.Documents(ctx, inc.ID); len(stored) != 4 {
		t.Fatalf("a failed UpdateArchive removed documents: %d left", len(stored))
	}
	if err := s.UpdateArchive(ctx, func(tx archive.Tx) error { return tx.ClearTranscript(ctx, inc.ID) }); err != nil {
		t.Fatal(err)
	}
	if stored, _ := s.Documents(ctx, inc.ID); len(stored) != 0 {
		t.Fatalf("after ClearTranscript: %d documents", len(stored))
	}
	if c, _ := s.RecordedCount(ctx, inc.ID); c != nil {
		t.Fatalf("after ClearTranscript: count %+v", c)
	}
}
