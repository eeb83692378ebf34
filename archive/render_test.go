package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/incident"
)

func testIncident() *incident.Incident {
	at := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	closed := at.Add(time.Hour)
	return &incident.Incident{ID: 7, Key: "INC-7", Title: "db down", Severity: incident.SeverityCritical,
		Status: incident.StatusClosed, Source: "api", CreatedAt: at, ClosedAt: &closed, ClosedBy: "alice",
		Channel: incident.ChannelRef{Backend: "builtin", ID: "c1", Name: "inc-7-db-down"}}
}

// memDoc is a rendered document read back into memory.
type memDoc struct {
	Document
	Content []byte
}

// renderAll renders messages through the streaming renderer and reads the
// documents back, hashing them as the archive does when it saves them.
func renderAll(t testing.TB, inc *incident.Incident, events []incident.Event, msgs []Message, opts Options) ([]memDoc, []incident.Event) {
	opts.TempDir = t.TempDir()
	r, err := newRenderer(inc.Key, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for _, m := range msgs {
		if err := r.add(m); err != nil {
			t.Fatal(err)
		}
	}
	count := Count{Archived: len(msgs), Server: len(msgs), Accounted: len(msgs), Basis: "test"}
	parts, pins, err := r.finish(inc, events, count)
	if err != nil {
		t.Fatal(err)
	}
	var out []memDoc
	for _, p := range parts {
		d := p.doc
		rc, err := p.open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := io.Copy(&b, &hashingReader{r: rc, h: NewHasher(), d: &d}); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		out = append(out, memDoc{Document: d, Content: b.Bytes()})
	}
	return out, pins
}

func TestRender(t *testing.T) {
	at := time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
	edited := at.Add(time.Minute)
	msgs := []Message{
		{ID: "a", Author: "alice", Text: "failing over\nsecond line", At: at, EditedAt: &edited,
			Reactions: []Reaction{{Emoji: "pushpin", Users: []string{"bob"}}}},
		{ID: "b", ThreadID: "a", Author: "bob", Text: "ok, watching replication", At: at.Add(2 * time.Minute),
			Files: []File{{Name: "lag.png", Size: 2048, Type: "image/png", Data: []byte("PNG...")}, {Name: "huge.bin", Size: 1 << 30}}},
		{ID: "c", Author: "system", Text: "bob joined", At: at.Add(3 * time.Minute), System: true},
	}
	events := []incident.Event{{Kind: incident.EventNote, Actor: "alice", Text: "root cause: disk", At: at}}
	docs, pins := renderAll(t, testIncident(), events, msgs, Options{PinEmoji: "pushpin"})
	if len(pins) != 1 || pins[0].Ref != "message/a" || !pins[0].At.Equal(at) || pins[0].Actor != "bob" {
		t.Errorf("pins found in the history = %+v, want alice's message pinned by bob at its own time", pins)
	}
	if len(docs) != 3 || docs[0].Format != "md" || docs[1].Format != "json" || docs[2].Name != "INC-7-files/b-lag.png" || string(docs[2].Content) != "PNG..." {
		t.Fatalf("docs = %+v", docs)
	}
	md := string(docs[0].Content)
	for _, want := range []string{"# INC-7: db down", "- Closed: 2026-11-22 15:00:00Z by alice", "**note** alice: root cause: disk",
		"#1 **alice** · 2026-11-22 14:05:00Z (edited 2026-11-22 14:06:00Z)", "failing over\nsecond line",
		":pushpin: bob", "> ↳ reply to #1\n> #2 **bob**", "> 📎 lag.png (image/png, 2048 bytes) → INC-7-files/b-lag.png", "huge.bin (, 1073741824 bytes) (not copied: over the chat backend's size limit", "**pinned** bob: “failing over ⏎ second line” (alice)", "#3 _system_"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	var doc struct {
		Incident incident.Incident `json:"incident"`
		Timeline []incident.Event  `json:"timeline"`
		Messages []Message         `json:"messages"`
	}
	if err := json.Unmarshal(docs[1].Content, &doc); err != nil {
		t.Fatalf("JSON transcript does not parse: %v\n%s", err, docs[1].Content)
	}
	if doc.Incident.Key != "INC-7" || len(doc.Timeline) != 2 || len(doc.Messages) != 3 || doc.Messages[1].ThreadID != "a" {
		t.Errorf("JSON transcript = %+v", doc)
	}
	for _, d := range docs {
		if d.SHA256 != Digest(d.Content) || len(d.SHA256) != 64 || d.Size != int64(len(d.Content)) {
			t.Errorf("%s digest %q does not match its content", d.Name, d.SHA256)
		}
	}
}

func TestRenderEmptyChannel(t *testing.T) {
	docs, _ := renderAll(t, testIncident(), nil, nil, Options{})
	if !bytes.Contains(docs[0].Content, []byte("_No messages._")) || !bytes.Contains(docs[1].Content, []byte(`"messages":[]`)) {
		t.Errorf("empty channel renders as:\n%s\n%s", docs[0].Content, docs[1].Content)
	}
}

// BenchmarkRender renders a 10 000-message channel; allocations per op show
// what one archive of a long incident costs.
func BenchmarkRender(b *testing.B) {
	at := time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)
	msgs := make([]Message, 10000)
	for i := range msgs {
		msgs[i] = Message{ID: fmt.Sprint(i), Author: "alice", Text: "checking the replica lag again, still 40s behind", At: at.Add(time.Duration(i) * time.Second)}
	}
	b.ReportAllocs()
	for b.Loop() {
		renderAll(b, testIncident(), nil, msgs, Options{})
	}
}
